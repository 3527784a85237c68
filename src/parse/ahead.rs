//! The parser's patterns compiled ahead of reading, for `portbot parse` of many files.

/// Every pattern of the parser compiled now, module by module in the reverse of the
/// order a message is read in: a thread doing this while another reads the first
/// messages meets it half-way, and each pattern is compiled once (by whichever comes
/// first) instead of every reader waiting on the one compiling it. It stops between
/// modules once `needed` says no (no message is left to read): a few files need few
/// patterns.
pub fn compile_patterns(needed: impl Fn() -> bool) {
    let modules: [fn(); 11] = [
        super::bill::address::compile_patterns,
        super::bill::layout::compile_patterns,
        super::bill::compile_patterns,
        super::dates::compile_patterns,
        super::refs::compile_patterns,
        super::reject::compile_patterns,
        super::outcomes::compile_patterns,
        super::foc::compile_patterns,
        super::numbers::compile_patterns,
        super::notice::compile_patterns,
        super::classify::compile_patterns,
    ];
    for compile in modules {
        if !needed() {
            return;
        }
        compile();
    }
}

#[cfg(test)]
mod tests {
    /// Every pattern a module keeps in a `static` is in its `compile_patterns`: one left
    /// out is still compiled when first used, by a reader, while the others wait.
    #[test]
    fn every_module_pattern_is_compiled_ahead() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/parse");
        let mut files = vec![root.clone()];
        let mut checked = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(
                    std::fs::read_dir(&path)
                        .expect("src/parse")
                        .map(|e| e.expect("an entry").path()),
                );
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("a source file");
            if source
                .lines()
                .any(|l| l.starts_with("pub(in crate::parse) fn compile_patterns()"))
            {
                let module = path.strip_prefix(&root).expect("under src/parse").with_extension("");
                let module = module.to_string_lossy().replace('/', "::").replace("::mod", "");
                let modules = include_str!("ahead.rs");
                assert!(
                    modules.contains(&format!("super::{module}::compile_patterns,")),
                    "{module} is not in compile_patterns' modules"
                );
            }
            let ahead = source.split("fn compile_patterns()").nth(1).unwrap_or("");
            let ahead = &ahead[..ahead.find("\n}").unwrap_or(ahead.len())];
            let listed =
                |name: &str| ahead.contains(&format!("&{name}")) || ahead.contains(&format!("{name}.prepare()"));
            for line in source.lines() {
                let Some(rest) = line.strip_prefix("static ") else {
                    continue;
                };
                let Some((name, kind)) = rest.split_once(": LazyLock<") else {
                    continue;
                };
                if kind.starts_with("Pattern>") {
                    assert!(
                        listed(name),
                        "{name} of {} is not in its compile_patterns",
                        path.display()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} patterns found");
    }
}
