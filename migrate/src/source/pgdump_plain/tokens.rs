//! A small SQL tokenizer for the statements a dump holds (comments are already gone).

/// One SQL token; `pos` is its byte offset in the statement text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub pos: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// An unquoted identifier or keyword, folded to lower case as PostgreSQL does.
    Word(String),
    /// A `"quoted"` identifier, kept as written.
    Quoted(String),
    /// A string constant, escapes decoded.
    Str(String),
    Num(String),
    /// `( ) , . ; [ ]`
    Sym(char),
    /// Operators, `::` included.
    Op(String),
}

impl Tok {
    pub(crate) fn is_word(&self, word: &str) -> bool {
        matches!(self, Tok::Word(w) if w == word)
    }

    pub(crate) fn is_sym(&self, c: char) -> bool {
        matches!(self, Tok::Sym(s) if *s == c)
    }

    /// An identifier, quoted or not.
    pub(crate) fn ident(&self) -> Option<&str> {
        match self {
            Tok::Word(w) | Tok::Quoted(w) => Some(w),
            _ => None,
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || !c.is_ascii()
}

fn is_ident_char(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || c == '$'
}

/// Tokenizes `text`; `std_strings` is `standard_conforming_strings` (off: `'…'` takes
/// backslash escapes like `E'…'`).
pub(crate) fn tokenize(text: &str, std_strings: bool) -> Result<Vec<Token>, String> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, c)| c);
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let (s, end) = string(&chars, i + 1, !std_strings)?;
            tokens.push(Token {
                tok: Tok::Str(s),
                pos,
            });
            i = end;
        } else if (c == 'E' || c == 'e') && next == Some('\'') {
            let (s, end) = string(&chars, i + 2, true)?;
            tokens.push(Token {
                tok: Tok::Str(s),
                pos,
            });
            i = end;
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(format!("unterminated quoted identifier at {pos}")),
                    Some((_, '"')) if chars.get(i + 1).map(|p| p.1) == Some('"') => {
                        s.push('"');
                        i += 2;
                    }
                    Some((_, '"')) => break,
                    Some(&(_, ch)) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            tokens.push(Token {
                tok: Tok::Quoted(s),
                pos,
            });
            i += 1;
        } else if c == '$' && dollar_tag(&chars, i).is_some() {
            let tag = dollar_tag(&chars, i).unwrap_or_default();
            let body_start = i + tag.chars().count();
            let mut j = body_start;
            let tag_chars: Vec<char> = tag.chars().collect();
            loop {
                if j + tag_chars.len() > chars.len() {
                    return Err(format!("unterminated dollar-quoted string at {pos}"));
                }
                if chars[j..j + tag_chars.len()]
                    .iter()
                    .map(|p| p.1)
                    .eq(tag_chars.iter().copied())
                {
                    break;
                }
                j += 1;
            }
            let s: String = chars[body_start..j].iter().map(|p| p.1).collect();
            tokens.push(Token {
                tok: Tok::Str(s),
                pos,
            });
            i = j + tag_chars.len();
        } else if is_ident_start(c) {
            let start = i;
            while i < chars.len() && is_ident_char(chars[i].1) {
                i += 1;
            }
            let word: String = chars[start..i]
                .iter()
                .map(|p| p.1.to_ascii_lowercase())
                .collect();
            tokens.push(Token {
                tok: Tok::Word(word),
                pos,
            });
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            let start = i;
            while i < chars.len()
                && (chars[i].1.is_ascii_digit() || chars[i].1 == '.' || chars[i].1 == '_')
            {
                i += 1;
            }
            if i < chars.len() && matches!(chars[i].1, 'e' | 'E') {
                let mut j = i + 1;
                if j < chars.len() && matches!(chars[j].1, '+' | '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].1.is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].1.is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let num: String = chars[start..i].iter().map(|p| p.1).collect();
            tokens.push(Token {
                tok: Tok::Num(num),
                pos,
            });
        } else if "(),.;[]".contains(c) {
            tokens.push(Token {
                tok: Tok::Sym(c),
                pos,
            });
            i += 1;
        } else if c == ':' && next == Some(':') {
            tokens.push(Token {
                tok: Tok::Op("::".into()),
                pos,
            });
            i += 2;
        } else {
            let start = i;
            while i < chars.len() && "+-*/<>=~!@#%^&|`?:".contains(chars[i].1) {
                i += 1;
            }
            if i == start {
                i += 1;
            }
            let op: String = chars[start..i].iter().map(|p| p.1).collect();
            tokens.push(Token {
                tok: Tok::Op(op),
                pos,
            });
        }
    }
    Ok(tokens)
}

/// The `$tag$` opening at `i`, if any.
fn dollar_tag(chars: &[(usize, char)], i: usize) -> Option<String> {
    let mut tag = String::from("$");
    let mut j = i + 1;
    while let Some(&(_, c)) = chars.get(j) {
        if c == '$' {
            tag.push('$');
            return Some(tag);
        }
        let ok = if j == i + 1 {
            is_ident_start(c)
        } else {
            is_ident_char(c) && c != '$'
        };
        if !ok {
            return None;
        }
        tag.push(c);
        j += 1;
    }
    None
}

/// A string body from `i` (after the opening quote) to its closing quote; returns the
/// decoded text and the index after the closing quote.
fn string(chars: &[(usize, char)], mut i: usize, escapes: bool) -> Result<(String, usize), String> {
    let start = chars.get(i.saturating_sub(1)).map_or(0, |p| p.0);
    // Bytes, since `\303\251` escapes give one character in two bytes.
    let mut s = Vec::new();
    let push =
        |s: &mut Vec<u8>, c: char| s.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    loop {
        let Some(&(_, c)) = chars.get(i) else {
            return Err(format!("unterminated string at {start}"));
        };
        i += 1;
        match c {
            '\'' if chars.get(i).map(|p| p.1) == Some('\'') => {
                s.push(b'\'');
                i += 1;
            }
            '\'' => return Ok((String::from_utf8_lossy(&s).into_owned(), i)),
            '\\' if escapes => {
                let Some(&(_, e)) = chars.get(i) else {
                    continue;
                };
                i += 1;
                match e {
                    'b' => s.push(8),
                    'f' => s.push(12),
                    'n' => s.push(b'\n'),
                    'r' => s.push(b'\r'),
                    't' => s.push(b'\t'),
                    '0'..='7' => {
                        let mut v = e.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match chars.get(i).and_then(|p| p.1.to_digit(8)) {
                                Some(d) => {
                                    v = v * 8 + d;
                                    i += 1;
                                }
                                None => break,
                            }
                        }
                        s.push((v & 0xff) as u8);
                    }
                    'x' | 'u' | 'U' => {
                        let max = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut v = 0u32;
                        let mut n = 0;
                        while n < max {
                            match chars.get(i).and_then(|p| p.1.to_digit(16)) {
                                Some(d) => {
                                    v = v * 16 + d;
                                    i += 1;
                                    n += 1;
                                }
                                None => break,
                            }
                        }
                        if n == 0 {
                            push(&mut s, e);
                        } else if e == 'x' {
                            s.push((v & 0xff) as u8);
                        } else {
                            push(&mut s, char::from_u32(v).unwrap_or('\u{fffd}'));
                        }
                    }
                    other => push(&mut s, other),
                }
            }
            other => push(&mut s, other),
        }
    }
}
