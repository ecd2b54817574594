//! Answers already given, kept per served tree. A served tree never changes, so the JSON of
//! a `/v1/resolve` answer is worked out once per tree and then handed out as it is: the
//! candidates of a busy capability run to tens of kilobytes, and writing them out for every
//! request was most of what a request cost. A re-link publishes a new tree with nothing kept.
//!
//! An edit linked in place (ids, maps, environments and platforms as they were) carries the
//! answers over to the new tree, but those that name a candidate (a provider or a process)
//! the edited files define: a tree edited once a second would otherwise work every answer
//! out again each second.
//!
//! Bounded in bytes: names routed by prefix are endless (`code.x`, `code.y`, ...), so once
//! the bound is reached a new answer is worked out for each request and not kept.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::{PoisonError, RwLock};

use axum::body::Bytes;

/// How many bytes of answers one served tree keeps at most.
pub const BUDGET: usize = 64 << 20;

#[derive(Default)]
pub struct Answers {
    kept: RwLock<Kept>,
}

#[derive(Default)]
struct Kept {
    by_question: HashMap<Question, Answer>,
    bytes: usize,
}

/// An answer as sent, and the ids of the candidates it names (providers and processes).
#[derive(Clone)]
pub struct Answer {
    pub body: Bytes,
    pub names: Vec<String>,
}

/// What a `/v1/resolve` request asks: everything its answer depends on, the tree aside.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Question {
    pub capability: String,
    /// The environment's id (a name given in the query is turned into its id first).
    pub environment: Option<String>,
    pub all: bool,
}

impl Answers {
    /// The answer to `question`, kept from an earlier request or made by `make` now.
    pub fn get_or_make(&self, question: Question, make: impl FnOnce(&Question) -> Answer) -> Bytes {
        let kept = self.kept.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(answer) = kept.by_question.get(&question) {
            return answer.body.clone();
        }
        drop(kept);
        let answer = make(&question);
        let body = answer.body.clone();
        let mut kept = self.kept.write().unwrap_or_else(PoisonError::into_inner);
        let room = kept.bytes + body.len() <= BUDGET;
        if let (true, Entry::Vacant(entry)) = (room, kept.by_question.entry(question)) {
            entry.insert(answer);
            kept.bytes += body.len();
        }
        body
    }

    /// The answers that still hold after an edit, linked in place, of the manifests that
    /// define `edited` (ids of providers and processes): every answer but those naming one.
    pub fn carried_over(&self, edited: &HashSet<&str>) -> Answers {
        let kept = self.kept.read().unwrap_or_else(PoisonError::into_inner);
        let mut carried = Kept::default();
        for (question, answer) in &kept.by_question {
            if !answer.names.iter().any(|id| edited.contains(id.as_str())) {
                carried.bytes += answer.body.len();
                (carried.by_question).insert(question.clone(), answer.clone());
            }
        }
        Answers {
            kept: RwLock::new(carried),
        }
    }

    /// How many bytes of answers are kept.
    pub fn bytes(&self) -> usize {
        let kept = self.kept.read().unwrap_or_else(PoisonError::into_inner);
        kept.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(capability: &str) -> Question {
        Question {
            capability: capability.to_string(),
            environment: None,
            all: false,
        }
    }

    fn answer(body: &str, names: &[&str]) -> Answer {
        Answer {
            body: Bytes::from(body.to_string()),
            names: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    #[test]
    fn an_answer_is_made_once_then_kept() {
        let answers = Answers::default();
        let mut made = 0;
        for _ in 0..3 {
            let answer = answers.get_or_make(question("code.review"), |_| {
                made += 1;
                answer("{}", &[])
            });
            assert_eq!(answer, "{}");
        }
        assert_eq!(made, 1);
        assert_eq!(answers.bytes(), 2);
    }

    #[test]
    fn past_the_budget_answers_are_made_and_not_kept() {
        let answers = Answers::default();
        let big = "x".repeat(BUDGET / 2 + 1);
        answers.get_or_make(question("a"), |_| answer(&big, &[]));
        let mut made = 0;
        for _ in 0..2 {
            let answer = answers.get_or_make(question("b"), |_| {
                made += 1;
                answer(&big, &[])
            });
            assert_eq!(answer.len(), big.len());
        }
        assert_eq!(made, 2, "not kept: it would pass the budget");
        assert_eq!(answers.bytes(), big.len());
    }

    #[test]
    fn an_edit_in_place_drops_the_answers_naming_what_it_edited() {
        let answers = Answers::default();
        answers.get_or_make(question("code.review"), |_| {
            answer("r", &["p-1", "agent-1"])
        });
        answers.get_or_make(question("code.generation"), |_| answer("g", &["p-2"]));
        let edited = HashSet::from(["agent-1"]);
        let carried = answers.carried_over(&edited);
        let mut made = Vec::new();
        for capability in ["code.review", "code.generation"] {
            carried.get_or_make(question(capability), |q| {
                made.push(q.capability.clone());
                answer("new", &[])
            });
        }
        assert_eq!(
            made,
            ["code.review"],
            "only the answer naming agent-1 is made again"
        );
        assert_eq!(carried.bytes(), 1 + 3);
    }
}
