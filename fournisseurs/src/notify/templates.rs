//! The French texts of the fournisseurs e-mails.

use std::sync::LazyLock;

use bascule_mail::Template;

const LINES_TABLE: &str = "<table cellpadding=\"4\" cellspacing=\"0\" border=\"1\" \
     style=\"border-collapse: collapse;\">\
     <tr><th>Ligne</th><th>Article</th><th>Votre référence</th><th>Désignation</th>\
     <th>Quantité</th><th>Prix unitaire HT</th><th>Remise</th><th>Montant HT</th></tr>\
     {{{lignes_html}}}\
     <tr><th colspan=\"7\" align=\"right\">Total HT</th><th align=\"right\">{{total}}</th></tr>\
     </table>";

/// The request for quotation, when an order is sent.
pub static RFQ: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "Demande de prix – commande {{numero}}",
        "À l'attention de {{fournisseur}} ({{code_fournisseur}})\n\n\
         Madame, Monsieur,\n\n\
         Nous vous remercions de bien vouloir nous adresser votre meilleure offre de prix \
         et de délai pour les articles ci-dessous.\n\n\
         Notre référence : commande {{numero}} du {{date_commande}}\n\
         Livraison souhaitée : {{livraison}}\n\n\
         {{lignes}}\n\
         Total HT indicatif : {{total}}\n\n\
         Merci de rappeler la référence {{numero}} dans votre réponse.\n\n\
         Cordialement,\n\
         Le service achats\n",
    )
    .with_html(format!(
        "<p>À l'attention de <strong>{{{{fournisseur}}}}</strong> ({{{{code_fournisseur}}}})</p>\
         <p>Madame, Monsieur,</p>\
         <p>Nous vous remercions de bien vouloir nous adresser votre meilleure offre de prix \
         et de délai pour les articles ci-dessous.</p>\
         <p>Notre référence : <strong>commande {{{{numero}}}}</strong> du {{{{date_commande}}}}<br>\
         Livraison souhaitée : <strong>{{{{livraison}}}}</strong></p>\
         {}\
         <p>Merci de rappeler la référence {{{{numero}}}} dans votre réponse.</p>\
         <p>Cordialement,<br>Le service achats</p>",
        LINES_TABLE.replace("Total HT", "Total HT indicatif")
    ))
});

/// The confirmation, when an order is confirmed.
pub static CONFIRMATION: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "Confirmation de commande {{numero}}",
        "À l'attention de {{fournisseur}} ({{code_fournisseur}})\n\n\
         Madame, Monsieur,\n\n\
         Nous vous confirmons notre commande {{numero}} du {{date_commande}}, aux \
         conditions ci-dessous.\n\n\
         Livraison souhaitée : {{livraison}}\n\n\
         {{lignes}}\n\
         Total HT : {{total}}\n\n\
         Merci de rappeler la référence {{numero}} sur votre accusé de réception, vos bons \
         de livraison et vos factures.\n\n\
         Cordialement,\n\
         Le service achats\n",
    )
    .with_html(format!(
        "<p>À l'attention de <strong>{{{{fournisseur}}}}</strong> ({{{{code_fournisseur}}}})</p>\
         <p>Madame, Monsieur,</p>\
         <p>Nous vous confirmons notre <strong>commande {{{{numero}}}}</strong> du \
         {{{{date_commande}}}}, aux conditions ci-dessous.</p>\
         <p>Livraison souhaitée : <strong>{{{{livraison}}}}</strong></p>\
         {LINES_TABLE}\
         <p>Merci de rappeler la référence {{{{numero}}}} sur votre accusé de réception, vos \
         bons de livraison et vos factures.</p>\
         <p>Cordialement,<br>Le service achats</p>"
    ))
});

/// To the administrator: a supplier could not be written to.
pub static NO_ADDRESS: LazyLock<Template> = LazyLock::new(|| {
    Template::new(
        "[bascule] Fournisseur sans adresse de commande : {{fournisseur}} ({{code_fournisseur}}) – commande {{numero}}",
        "Bonjour,\n\n\
         La commande fournisseur {{numero}} est passée à l'état {{etat}}, mais le fournisseur \
         {{fournisseur}} ({{code_fournisseur}}) {{motif}} : {{quoi}} ne lui a pas été \
         envoyée.\n\n\
         À faire : transmettre la commande {{numero}} au fournisseur par un autre moyen, et \
         renseigner son adresse de commande dans sa fiche.\n\n\
         -- \nbascule, service fournisseurs\n",
    )
    .with_html(
        "<p>Bonjour,</p>\
         <p>La commande fournisseur <strong>{{numero}}</strong> est passée à l'état \
         {{etat}}, mais le fournisseur <strong>{{fournisseur}}</strong> \
         ({{code_fournisseur}}) {{motif}} : {{quoi}} ne lui a pas été envoyée.</p>\
         <p>À faire : transmettre la commande {{numero}} au fournisseur par un autre moyen, \
         et renseigner son adresse de commande dans sa fiche.</p>",
    )
});
