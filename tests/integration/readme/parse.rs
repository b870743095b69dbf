//! Reading the README: fenced blocks, shell commands with their comments, and the figures
//! that commands print (headline lines, `points.csv`, `summary.csv`).

use std::path::Path;

/// A fenced block of the README.
pub(super) struct Block {
    /// The info string: `sh`, `text`, `toml`, ...
    pub(super) kind: String,
    /// 1-based line of the opening fence.
    pub(super) line: usize,
    /// Its lines with their 1-based numbers.
    pub(super) lines: Vec<(usize, String)>,
    /// The prose between the previous block and this one, with line numbers.
    pub(super) prose: Vec<(usize, String)>,
}

pub(super) fn blocks(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut prose = Vec::new();
    let mut cur: Option<Block> = None;
    for (i, l) in readme.lines().enumerate() {
        let n = i + 1;
        if let Some(rest) = l.strip_prefix("```") {
            match cur.take() {
                Some(b) => out.push(b),
                None => {
                    cur = Some(Block {
                        kind: rest.trim().to_string(),
                        line: n,
                        lines: Vec::new(),
                        prose: std::mem::take(&mut prose),
                    })
                }
            }
        } else if let Some(b) = cur.as_mut() {
            b.lines.push((n, l.to_string()));
        } else {
            prose.push((n, l.to_string()));
        }
    }
    out
}

/// One shell command: continuation lines joined, the trailing comment apart.
pub(super) struct Cmd {
    pub(super) line: usize,
    pub(super) text: String,
    pub(super) comment: String,
}

pub(super) fn commands(b: &Block) -> Vec<Cmd> {
    let mut out = Vec::new();
    let mut acc: Option<(usize, String)> = None;
    for (n, l) in &b.lines {
        let (code, comment) = split_comment(l);
        let (start, mut text) = acc.take().unwrap_or((*n, String::new()));
        let code = code.trim_end();
        if let Some(c) = code.strip_suffix('\\') {
            text.push_str(c.trim());
            text.push(' ');
            acc = Some((start, text));
            continue;
        }
        text.push_str(code.trim());
        if !text.trim().is_empty() {
            out.push(Cmd {
                line: start,
                text: text.trim().to_string(),
                comment: comment.trim().to_string(),
            });
        } else if let Some(last) = out.last_mut().filter(|_| !comment.trim().is_empty()) {
            // A comment on a line of its own (`# -> DIR`) belongs to the command above it.
            last.comment = format!("{} {}", last.comment, comment.trim())
                .trim()
                .to_string();
        }
    }
    out
}

/// Split `code   # comment` at the first `#` that follows whitespace.
pub(super) fn split_comment(l: &str) -> (&str, &str) {
    let b = l.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) {
            return (&l[..i], &l[i + 1..]);
        }
    }
    (l, "")
}

/// The folder a run printed (`... -> DIR`).
pub(super) fn printed_dir(output: &str) -> Option<String> {
    output
        .lines()
        .find(|l| l.starts_with("negsim: ") && l.contains(" -> "))
        .and_then(|l| l.rsplit(" -> ").next())
        .map(|s| s.trim().to_string())
}

/// Mask what depends on the machine in a headline line: `in 0.04 s (271261 trials/s)`.
pub(super) fn mask_machine(l: &str) -> String {
    let Some(i) = l.find(" in ") else {
        return l.to_string();
    };
    match l[i..].find(" trials/s)") {
        Some(j) => format!("{} in <time>{}", &l[..i], &l[i + j + " trials/s)".len()..]),
        None => l.to_string(),
    }
}

/// `p_completed   36.4%  [35.5%, 37.3%]` -> ("36.4", "35.5", "37.3").
pub(super) fn headline_p_completed(output: &str) -> Option<(String, String, String)> {
    let l = output
        .lines()
        .find(|l| l.trim_start().starts_with("p_completed"))?;
    let nums: Vec<String> = l
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|s| !s.is_empty() && s.contains('.'))
        .map(str::to_string)
        .collect();
    (nums.len() == 3).then(|| (nums[0].clone(), nums[1].clone(), nums[2].clone()))
}

/// `55.7% completed [55.0, 56.4]` in a comment.
pub(super) fn promised_p_completed(comment: &str) -> Option<(String, String, String)> {
    let i = comment.find("% completed [")?;
    let pct = comment[..i].rsplit(' ').next()?.to_string();
    let rest = &comment[i + "% completed [".len()..];
    let (lo, rest) = rest.split_once(',')?;
    let hi = rest.split(']').next()?;
    Some((pct, lo.trim().to_string(), hi.trim().to_string()))
}

/// A CSV file as a header and rows of strings (the files negsim writes have no quoting
/// that matters here).
pub(super) fn read_csv(p: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut r = csv::Reader::from_path(p).map_err(|e| format!("{}: {e}", p.display()))?;
    let h = r
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|x| x.map(|x| x.iter().map(str::to_string).collect()))
        .collect::<Result<Vec<Vec<String>>, _>>()
        .map_err(|e| e.to_string())?;
    Ok((h, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_and_block_parsing() {
        let b = Block {
            kind: "sh".into(),
            line: 1,
            lines: vec![
                (2, "negsim run --a \\".into()),
                (3, "   --b 1   # 55.7% completed [55.0, 56.4]".into()),
                (4, "negsim merge $X/shard-* --out y".into()),
                (5, "# -> output/y/".into()),
            ],
            prose: vec![],
        };
        let c = commands(&b);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].text, "negsim run --a --b 1");
        assert_eq!(c[0].line, 2);
        assert_eq!(
            promised_p_completed(&c[0].comment),
            Some(("55.7".into(), "55.0".into(), "56.4".into()))
        );
        assert_eq!(c[1].comment, "-> output/y/");
        assert_eq!(
            headline_p_completed("  p_completed    36.4%  [35.5%, 37.3%]"),
            Some(("36.4".into(), "35.5".into(), "37.3".into()))
        );
        assert_eq!(
            mask_machine(
                "negsim: 10 trials of x (1 point) in 0.04 s (271261 trials/s) -> output/x"
            ),
            "negsim: 10 trials of x (1 point) in <time> -> output/x"
        );
    }
}
