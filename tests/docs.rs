//! The copy-paste snippets users take from the README, the pre-commit hook
//! definitions and the GitHub Action: they must parse, and say what the
//! README says they do.

use tcolint::parse::yaml::{parse_stream, Document, Limits};

fn parse(name: &str, text: &str) -> Document {
    let mut documents = parse_stream(text, &Limits::default());
    assert_eq!(documents.len(), 1, "{name}: one document");
    documents
        .remove(0)
        .unwrap_or_else(|error| panic!("{name}: {error:?}\n{text}"))
}

/// The fenced blocks of one language in a Markdown text, with their line.
fn fenced(markdown: &str, language: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some((start, text)) = current.take() {
            if trimmed.starts_with("```") {
                blocks.push((start, text));
            } else {
                current = Some((start, text + line + "\n"));
            }
        } else if trimmed == format!("```{language}") {
            current = Some((index + 1, String::new()));
        }
    }
    blocks
}

#[test]
fn every_yaml_snippet_in_the_readme_parses() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let blocks = fenced(&readme, "yaml");
    assert!(blocks.len() >= 5, "{} yaml blocks", blocks.len());
    for (line, text) in &blocks {
        let document = parse(&format!("README.md:{line}"), text);
        assert!(
            document.root().entries().next().is_some() || document.root().items().next().is_some(),
            "README.md:{line}: empty snippet"
        );
    }
    // The workflow steps name the action and the SARIF upload.
    let workflow = blocks
        .iter()
        .find(|(_, text)| text.contains("upload-sarif"))
        .map(|(_, text)| parse("workflow", text))
        .unwrap();
    let steps = workflow.root().path(&["jobs", "tcolint", "steps"]).unwrap();
    let uses: Vec<&str> = steps
        .items()
        .filter_map(|step| step.get("uses").and_then(|u| u.as_text()))
        .collect();
    assert_eq!(uses.len(), 3, "{uses:?}");
    assert!(uses[1].starts_with("tcolint/tcolint@"));
    // GitLab's Code Quality artifact is the file the script writes.
    let gitlab = blocks
        .iter()
        .find(|(_, text)| text.contains("codequality"))
        .map(|(_, text)| parse("gitlab", text))
        .unwrap();
    let report = gitlab
        .root()
        .path(&["tcolint", "artifacts", "reports", "codequality"])
        .and_then(|node| node.as_text())
        .unwrap();
    let script: Vec<&str> = gitlab
        .root()
        .path(&["tcolint", "script"])
        .unwrap()
        .items()
        .filter_map(|item| item.as_text())
        .collect();
    assert!(script
        .iter()
        .any(|line| line.contains(&format!("--format gitlab --output {report}"))));
}

#[test]
fn pre_commit_hooks_are_defined_as_documented() {
    let text = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let hooks = parse(".pre-commit-hooks.yaml", &text);
    let by_id = |id: &str| {
        hooks
            .root()
            .items()
            .find(|hook| hook.get("id").and_then(|v| v.as_text()) == Some(id))
            .unwrap_or_else(|| panic!("no hook {id}"))
    };
    let files = by_id("tcolint");
    assert_eq!(files.get("language").unwrap().as_text(), Some("rust"));
    assert_eq!(files.get("entry").unwrap().as_text(), Some("tcolint check"));
    assert_eq!(files.get("pass_filenames").unwrap().as_text(), Some("true"));
    let pattern = files.get("files").unwrap().as_text().unwrap();
    assert_eq!(pattern, r"\.(ya?ml|json|tf)$");
    let plan = by_id("tcolint-plan");
    assert_eq!(plan.get("pass_filenames").unwrap().as_text(), Some("false"));
    assert_eq!(plan.get("language").unwrap().as_text(), Some("rust"));
}

#[test]
fn the_action_passes_inputs_through_the_environment() {
    let text = std::fs::read_to_string("action.yml").unwrap();
    let action = parse("action.yml", &text);
    assert_eq!(
        action.root().path(&["runs", "using"]).unwrap().as_text(),
        Some("composite")
    );
    for input in ["paths", "fail-on", "format", "sarif-file", "args"] {
        assert!(
            action.root().path(&["inputs", input]).is_some(),
            "input {input}"
        );
    }
    let steps: Vec<_> = action
        .root()
        .path(&["runs", "steps"])
        .unwrap()
        .items()
        .collect();
    for step in &steps {
        let run = step.get("run").unwrap().as_text().unwrap();
        // `${{ inputs.x }}` spliced into a script is a shell injection.
        assert!(!run.contains("${{"), "inputs must go through env: {run}");
    }
    let run = steps[1].get("run").unwrap().as_text().unwrap();
    assert!(run.contains("--format \"$TCOLINT_FORMAT\" --fail-on \"$TCOLINT_FAIL_ON\""));
}
