//! The statement lexer of the scanner: where a statement starts and ends the way psql sees
//! it (quotes, `E'…'` escapes, `"identifiers"`, `$tag$` bodies, nested comments,
//! parentheses), which statements are worth keeping, and psql meta-commands to skip.

use std::io::BufRead;

use super::scan::{MAX_STATEMENT, ScanError, Scanner, Statement, StmtKind};
use super::sql::words;

#[derive(Debug)]
pub(super) enum Lex {
    Normal,
    Single { escapes: bool },
    Double,
    Dollar(Vec<u8>),
    Block(u32),
}

#[derive(Debug)]
pub(super) enum Capture {
    Undecided(Vec<u8>),
    Keep(StmtKind, Vec<u8>),
    Skip,
}

impl<R: BufRead> Scanner<R> {
    fn push(&mut self, bytes: &[u8]) {
        match &mut self.capture {
            Capture::Undecided(head) => {
                head.extend_from_slice(bytes);
                if head.len() >= 64 {
                    self.capture = match classify(head) {
                        Some(kind) => Capture::Keep(kind, std::mem::take(head)),
                        None => Capture::Skip,
                    };
                }
            }
            Capture::Keep(_, text) => text.extend_from_slice(bytes),
            Capture::Skip => {}
        }
    }

    /// Scans the rest of the current line; returns a statement when one ends in it.
    pub(super) fn lex_line(&mut self) -> Result<Option<Statement>, ScanError> {
        while self.cursor < self.buf.len() {
            let b = self.buf[self.cursor];
            let next = self.buf.get(self.cursor + 1).copied();
            match &mut self.lex {
                Lex::Normal if !self.started => {
                    if b == b'\\' || (b == b'-' && next == Some(b'-')) {
                        // A psql meta-command or a comment: the rest of the line.
                        self.cursor = self.buf.len();
                    } else if b == b'/' && next == Some(b'*') {
                        self.lex = Lex::Block(1);
                        self.cursor += 2;
                    } else if b.is_ascii_whitespace() {
                        self.cursor += 1;
                    } else {
                        self.started = true;
                        self.start = self.offset();
                        self.start_line = self.buf_line;
                        self.capture = Capture::Undecided(Vec::new());
                        self.paren = 0;
                        self.prev = [b' '; 2];
                    }
                }
                Lex::Normal => {
                    if b == b'-' && next == Some(b'-') {
                        self.push(b" ");
                        self.cursor = self.buf.len() - usize::from(self.buf.ends_with(b"\n"));
                        continue;
                    }
                    if b == b'/' && next == Some(b'*') {
                        self.push(b" ");
                        self.lex = Lex::Block(1);
                        self.cursor += 2;
                        continue;
                    }
                    match b {
                        b'\'' => {
                            let escapes = if self.prev[0] == b'\'' {
                                self.quote_escapes
                            } else if matches!(self.prev[0], b'E' | b'e') && !is_ident(self.prev[1])
                            {
                                true
                            } else {
                                !self.std_strings
                            };
                            self.lex = Lex::Single { escapes };
                        }
                        b'"' => self.lex = Lex::Double,
                        b'$' if !is_ident(self.prev[0]) => {
                            if let Some(tag) = dollar_tag(&self.buf[self.cursor..]) {
                                self.push(&tag);
                                self.cursor += tag.len();
                                self.lex = Lex::Dollar(tag);
                                continue;
                            }
                        }
                        b'(' => self.paren += 1,
                        b')' => self.paren -= 1,
                        b';' if self.paren <= 0 => {
                            self.cursor += 1;
                            let end = self.offset();
                            return self.finish(end);
                        }
                        _ => {}
                    }
                    self.push(&[b]);
                    self.prev = [b, self.prev[0]];
                    self.cursor += 1;
                }
                Lex::Single { escapes } => {
                    let escapes = *escapes;
                    let len = if escapes && b == b'\\' && next.is_some() {
                        2
                    } else {
                        1
                    };
                    if b == b'\'' {
                        self.lex = Lex::Normal;
                        self.quote_escapes = escapes;
                        self.prev = [b'\'', b'\''];
                    }
                    let end = self.cursor + len;
                    let bytes = self.buf[self.cursor..end].to_vec();
                    self.push(&bytes);
                    self.cursor = end;
                }
                Lex::Double => {
                    if b == b'"' {
                        self.lex = Lex::Normal;
                        self.prev = [b'"', b' '];
                    }
                    self.push(&[b]);
                    self.cursor += 1;
                }
                Lex::Dollar(tag) => {
                    if self.buf[self.cursor..].starts_with(tag) {
                        let tag = std::mem::take(tag);
                        self.push(&tag);
                        self.cursor += tag.len();
                        self.lex = Lex::Normal;
                        self.prev = [b'$', b' '];
                    } else {
                        self.push(&[b]);
                        self.cursor += 1;
                    }
                }
                Lex::Block(depth) => {
                    if b == b'*' && next == Some(b'/') {
                        *depth -= 1;
                        if *depth == 0 {
                            self.lex = Lex::Normal;
                        }
                        self.cursor += 2;
                    } else if b == b'/' && next == Some(b'*') {
                        *depth += 1;
                        self.cursor += 2;
                    } else {
                        if b == b'\n' && self.started {
                            self.push(b"\n");
                        }
                        self.cursor += 1;
                    }
                }
            }
        }
        if let Capture::Keep(_, text) = &self.capture
            && text.len() > MAX_STATEMENT
        {
            let message = format!(
                "the statement of line {} is longer than 1 GiB",
                self.start_line
            );
            return Err(ScanError::Format(message));
        }
        Ok(None)
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// The `$tag$` at the start of `s`, if any (`$1` is a parameter, not a tag).
fn dollar_tag(s: &[u8]) -> Option<Vec<u8>> {
    let close = s.iter().skip(1).position(|&b| b == b'$')? + 1;
    let tag = &s[1..close];
    let valid = tag.first().is_none_or(|b| !b.is_ascii_digit())
        && tag.iter().all(|&b| is_ident(b) && b != b'$');
    valid.then(|| s[..=close].to_vec())
}

pub(super) fn classify(head: &[u8]) -> Option<StmtKind> {
    let w = words(head, 5);
    let w: Vec<&str> = w.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["COPY", ..] => Some(StmtKind::Copy),
        ["INSERT", "INTO", ..] => Some(StmtKind::Insert),
        ["SET", ..] => Some(StmtKind::Set),
        ["CREATE", rest @ ..] => {
            let rest = rest
                .strip_prefix(&["GLOBAL"])
                .or_else(|| rest.strip_prefix(&["LOCAL"]))
                .unwrap_or(rest);
            let rest = match rest.first() {
                Some(&("TEMP" | "TEMPORARY" | "UNLOGGED")) => &rest[1..],
                _ => rest,
            };
            (rest.first() == Some(&"TABLE")).then_some(StmtKind::CreateTable)
        }
        _ => None,
    }
}
