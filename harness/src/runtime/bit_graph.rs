//! Small directed graphs as rows of bits: a fixed-size set of indices (`Bits`), a relation
//! as one row per index, and whether a relation has a cycle. Used by `seq_cst_order` on the
//! few dozen events of an execution.
//!
//! Invariant: every row of one relation has the same length (the number of indices).

/// A fixed-size set of small indices.
#[derive(Clone)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    pub(crate) fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    pub(crate) fn matrix(n: usize, mut holds: impl FnMut(usize, usize) -> bool) -> Vec<Bits> {
        (0..n)
            .map(|i| {
                let mut row = Bits::new(n);
                for j in (0..n).filter(|&j| holds(i, j)) {
                    row.set(j);
                }
                row
            })
            .collect()
    }

    pub(crate) fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    pub(crate) fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }

    pub(crate) fn meets(&self, other: &Bits) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }

    pub(crate) fn or(&mut self, other: &Bits) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine |= theirs;
        }
    }
}

/// Whether the graph (rows of successors) has a cycle, self-loops included.
pub(crate) fn has_cycle(successors: &[Bits]) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let n = successors.len();
    let mut marks = vec![Mark::New; n];
    for root in 0..n {
        if marks[root] != Mark::New {
            continue;
        }
        // Depth-first, with each open node's next successor to try.
        let mut stack = vec![(root, 0)];
        marks[root] = Mark::Open;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            match (*next..n).find(|&s| successors[node].get(s)) {
                Some(s) => {
                    *next = s + 1;
                    match marks[s] {
                        Mark::Open => return true,
                        Mark::New => {
                            marks[s] = Mark::Open;
                            stack.push((s, 0));
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    marks[node] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(usize, usize)], n: usize) -> Vec<Bits> {
        Bits::matrix(n, |i, j| edges.contains(&(i, j)))
    }

    #[test]
    fn cycles_are_found_and_dags_pass() {
        assert!(!has_cycle(&graph(&[(0, 1), (1, 2), (0, 2)], 3)));
        assert!(has_cycle(&graph(&[(0, 1), (1, 2), (2, 1)], 3)));
        assert!(has_cycle(&graph(&[(3, 3)], 4)));
        assert!(!has_cycle(&graph(&[(1, 0), (2, 0), (2, 1)], 3)));
    }
}
