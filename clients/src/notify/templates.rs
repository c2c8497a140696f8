//! The French texts of the clients e-mails.

use std::sync::LazyLock;

use bascule_mail::Template;

/// The order confirmation to the customer.
pub static CUSTOMER_CONFIRMATION: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "Confirmation de votre commande {{numero}}",
        "{{salutation}}\n\n\
         Nous vous remercions de votre commande, que nous confirmons ci-dessous.\n\n\
         Notre référence : commande {{numero}} du {{date_commande}}\n\
         Votre référence : {{reference_client}}\n\
         Date de livraison souhaitée : {{date_souhaitee}}\n\
         Date de livraison confirmée : {{date_promise}}\n\n\
         {{lignes}}\n\
         Total HT : {{total}}\n\n\
         Merci de rappeler la référence {{numero}} dans vos échanges avec nous.\n\n\
         Cordialement,\n\
         Le service clients\n",
    )
    .with_html(
        "<p>{{salutation}}</p>\
         <p>Nous vous remercions de votre commande, que nous confirmons ci-dessous.</p>\
         <p>Notre référence : <strong>commande {{numero}}</strong> du {{date_commande}}<br>\
         Votre référence : {{reference_client}}<br>\
         Date de livraison souhaitée : <strong>{{date_souhaitee}}</strong><br>\
         Date de livraison confirmée : {{date_promise}}</p>\
         <table cellpadding=\"4\" cellspacing=\"0\" border=\"1\" style=\"border-collapse: collapse;\">\
         <tr><th>Article</th><th>Désignation</th><th>Quantité</th><th>Prix unitaire HT</th>\
         <th>Remise</th><th>Montant HT</th></tr>\
         {{{lignes_html}}}\
         <tr><th colspan=\"5\" align=\"right\">Total HT</th><th align=\"right\">{{total}}</th></tr>\
         </table>\
         <p>Merci de rappeler la référence {{numero}} dans vos échanges avec nous.</p>\
         <p>Cordialement,<br>Le service clients</p>",
    )
});

const PRODUCTION_TABLE: &str = "<table cellpadding=\"4\" cellspacing=\"0\" border=\"1\" \
     style=\"border-collapse: collapse;\">\
     <tr><th>Ligne</th><th>Article</th><th>Désignation</th><th>Quantité</th></tr>\
     {{{lignes_html}}}</table>";

/// To the production team: an order was confirmed.
pub static PRODUCTION_CONFIRMED: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "Commande client {{numero}} confirmée – {{client}} ({{code_client}})",
        "Bonjour,\n\n\
         La commande client {{numero}} est confirmée.\n\n\
         Client : {{client}} ({{code_client}})\n\
         Référence du client : {{reference_client}}\n\
         Commande du : {{date_commande}}\n\
         Date souhaitée par le client : {{date_souhaitee}}\n\
         Date promise : {{date_promise}}\n\n\
         {{lignes}}\n\
         -- \nbascule, service clients\n",
    )
    .with_html(format!(
        "<p>Bonjour,</p>\
         <p>La commande client <strong>{{{{numero}}}}</strong> est confirmée.</p>\
         <p>Client : <strong>{{{{client}}}}</strong> ({{{{code_client}}}})<br>\
         Référence du client : {{{{reference_client}}}}<br>\
         Commande du : {{{{date_commande}}}}<br>\
         Date souhaitée par le client : <strong>{{{{date_souhaitee}}}}</strong><br>\
         Date promise : {{{{date_promise}}}}</p>\
         {PRODUCTION_TABLE}"
    ))
});

/// To the production team: a confirmed order was cancelled.
pub static PRODUCTION_CANCELLED: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "Commande client {{numero}} annulée – {{client}} ({{code_client}})",
        "Bonjour,\n\n\
         La commande client {{numero}} est annulée (elle était {{etat_precedent}}) : ce \
         qui était prévu pour elle n'est plus à produire.\n\n\
         Client : {{client}} ({{code_client}})\n\
         Référence du client : {{reference_client}}\n\
         Commande du : {{date_commande}}\n\
         Date souhaitée par le client : {{date_souhaitee}}\n\n\
         Lignes annulées :\n\
         {{lignes}}\n\
         -- \nbascule, service clients\n",
    )
    .with_html(format!(
        "<p>Bonjour,</p>\
         <p>La commande client <strong>{{{{numero}}}}</strong> est <strong>annulée</strong> \
         (elle était {{{{etat_precedent}}}}) : ce qui était prévu pour elle n'est plus à \
         produire.</p>\
         <p>Client : <strong>{{{{client}}}}</strong> ({{{{code_client}}}})<br>\
         Référence du client : {{{{reference_client}}}}<br>\
         Commande du : {{{{date_commande}}}}<br>\
         Date souhaitée par le client : {{{{date_souhaitee}}}}</p>\
         <p>Lignes annulées :</p>\
         {PRODUCTION_TABLE}"
    ))
});
