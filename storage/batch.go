package storage

import (
	"database/sql"
	"strings"
)

// batch writes many rows with few statements: one multi-row INSERT (or
// DELETE ... IN) per batchRows rows. A save touches tens of thousands of
// rows in a large model, and one statement per row would dominate its time.
type batch struct {
	tx    *sql.Tx
	head  string // "INSERT INTO t (a, b) VALUES " or "DELETE FROM t WHERE id IN "
	tail  string // after the values: an ON CONFLICT clause, or ""
	width int    // values per row
	rows  int
	args  []any
	full  *sql.Stmt // the statement for a full batch, prepared once
	err   error     // the first error; later calls do nothing
}

const batchRows = 200

func inserter(tx *sql.Tx, table string, cols []string, tail string) *batch {
	return &batch{tx: tx, head: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ",
		tail: tail, width: len(cols)}
}

// upserter inserts rows or, where the first column (the key) exists,
// updates every other column.
func upserter(tx *sql.Tx, table string, cols []string) *batch {
	var set []string
	for _, c := range cols[1:] {
		set = append(set, c+" = excluded."+c)
	}
	return inserter(tx, table, cols, " ON CONFLICT("+cols[0]+") DO UPDATE SET "+strings.Join(set, ", "))
}

// deleter deletes the rows whose column matches any of the given values.
func deleter(tx *sql.Tx, table, col string) *batch {
	return &batch{tx: tx, head: "DELETE FROM " + table + " WHERE " + col + " IN ", width: 1}
}

func (b *batch) add(vals ...any) {
	if b.err != nil {
		return
	}
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows == batchRows {
		b.flush()
	}
}

// flush writes the pending rows and returns the first error of the batch.
func (b *batch) flush() error {
	if b.err != nil || b.rows == 0 {
		return b.err
	}
	if b.rows == batchRows && b.full != nil {
		_, b.err = b.full.Exec(b.args...)
		b.args, b.rows = b.args[:0], 0
		return b.err
	}
	row := "(" + strings.Repeat("?, ", b.width-1) + "?)"
	var q strings.Builder
	q.WriteString(b.head)
	if b.width == 1 && strings.HasPrefix(b.head, "DELETE") {
		q.WriteString("(" + strings.Repeat("?, ", b.rows-1) + "?)")
	} else {
		for i := range b.rows {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(row)
		}
	}
	q.WriteString(b.tail)
	if b.rows == batchRows {
		// Statements prepared in a transaction close with it.
		if b.full, b.err = b.tx.Prepare(q.String()); b.err == nil {
			_, b.err = b.full.Exec(b.args...)
		}
	} else {
		_, b.err = b.tx.Exec(q.String(), b.args...)
	}
	b.args, b.rows = b.args[:0], 0
	return b.err
}
