//! Small directed graphs as rows of bits: a relation on a few dozen indices as one row of
//! bits per index, all rows in one flat vector (`BitRows`), and whether a relation has a
//! cycle (`Cycles`). Used by `seq_cst_order` on the events of an execution, once per
//! candidate outcome of an access: a matrix is reset and refilled in place, so a check
//! allocates nothing once the buffers have grown to the execution's size.
//!
//! Invariant: every row of one matrix has `words` words, enough for its columns.

/// A matrix of bits, `rows` by `columns`, each row a set of column indices.
#[derive(Default)]
pub(crate) struct BitRows {
    rows: usize,
    words: usize,
    bits: Vec<u64>,
}

impl BitRows {
    /// Empties the matrix and sizes it `rows` by `columns`, keeping its allocation.
    pub(crate) fn reset(&mut self, rows: usize, columns: usize) {
        self.rows = rows;
        self.words = columns.div_ceil(64);
        self.bits.clear();
        self.bits.resize(rows * self.words, 0);
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    pub(crate) fn row(&self, row: usize) -> &[u64] {
        &self.bits[row * self.words..(row + 1) * self.words]
    }

    pub(crate) fn set(&mut self, row: usize, column: usize) {
        self.bits[row * self.words + column / 64] |= 1 << (column % 64);
    }

    pub(crate) fn get(&self, row: usize, column: usize) -> bool {
        self.bits[row * self.words + column / 64] >> (column % 64) & 1 == 1
    }

    /// Adds the columns of `other` (a row of a matrix with as many columns) to `row`.
    pub(crate) fn or(&mut self, row: usize, other: &[u64]) {
        let mine = &mut self.bits[row * self.words..(row + 1) * self.words];
        for (mine, theirs) in mine.iter_mut().zip(other) {
            *mine |= theirs;
        }
    }

    /// Whether `row` and `other` share a column.
    pub(crate) fn meets(&self, row: usize, other: &[u64]) -> bool {
        self.row(row).iter().zip(other).any(|(a, b)| a & b != 0)
    }

    /// The columns of `row`, in order.
    pub(crate) fn columns(&self, row: usize) -> impl Iterator<Item = usize> + '_ {
        self.row(row).iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    w * 64 + bit
                })
            })
        })
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Open,
    Done,
}

/// The buffers of a depth-first search for cycles, kept from one search to the next.
#[derive(Default)]
pub(crate) struct Cycles {
    marks: Vec<Mark>,
    /// Each open node, with the next successor column to try.
    stack: Vec<(usize, usize)>,
}

impl Cycles {
    /// Whether the square relation `successors` (row `i`: the successors of `i`) has a
    /// cycle, self-loops included.
    pub(crate) fn any(&mut self, successors: &BitRows) -> bool {
        let n = successors.rows();
        self.marks.clear();
        self.marks.resize(n, Mark::New);
        for root in 0..n {
            if self.marks[root] != Mark::New {
                continue;
            }
            self.stack.clear();
            self.stack.push((root, 0));
            self.marks[root] = Mark::Open;
            while let Some(&mut (node, ref mut next)) = self.stack.last_mut() {
                match (*next..n).find(|&s| successors.get(node, s)) {
                    Some(s) => {
                        *next = s + 1;
                        match self.marks[s] {
                            Mark::Open => return true,
                            Mark::New => {
                                self.marks[s] = Mark::Open;
                                self.stack.push((s, 0));
                            }
                            Mark::Done => {}
                        }
                    }
                    None => {
                        self.marks[node] = Mark::Done;
                        self.stack.pop();
                    }
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(usize, usize)], n: usize) -> BitRows {
        let mut rows = BitRows::default();
        rows.reset(n, n);
        for &(i, j) in edges {
            rows.set(i, j);
        }
        rows
    }

    #[test]
    fn cycles_are_found_and_dags_pass() {
        let mut cycles = Cycles::default();
        assert!(!cycles.any(&graph(&[(0, 1), (1, 2), (0, 2)], 3)));
        assert!(cycles.any(&graph(&[(0, 1), (1, 2), (2, 1)], 3)));
        assert!(cycles.any(&graph(&[(3, 3)], 4)));
        assert!(!cycles.any(&graph(&[(1, 0), (2, 0), (2, 1)], 3)));
        assert!(!cycles.any(&graph(&[], 0)));
    }

    #[test]
    fn rows_past_one_word_keep_their_columns() {
        let mut rows = graph(&[(0, 3), (0, 70), (1, 64), (2, 127)], 130);
        assert_eq!(rows.rows(), 130);
        assert_eq!(rows.columns(0).collect::<Vec<_>>(), [3, 70]);
        assert!(rows.get(1, 64) && !rows.get(1, 63));
        let first = rows.row(0).to_vec();
        rows.or(2, &first);
        assert_eq!(rows.columns(2).collect::<Vec<_>>(), [3, 70, 127]);
        assert!(rows.meets(1, rows.row(1)) && !rows.meets(0, rows.row(1)));
        rows.reset(2, 2);
        assert_eq!((rows.rows(), rows.get(0, 0)), (2, false));
    }
}
