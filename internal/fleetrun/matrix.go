package fleetrun

import (
	"encoding/json"
	"fmt"
	"io"
)

// MaxMatrixJobs is the most jobs GitHub Actions runs from one matrix.
const MaxMatrixJobs = 256

// Matrix is a GitHub Actions matrix, `strategy.matrix: ${{ fromJSON(...) }}`:
// one job per entry.
type Matrix struct {
	Include []MatrixEntry `json:"include"`
}

// MatrixEntry is one job of a Matrix: the stack it runs.
type MatrixEntry struct {
	Shard string `json:"shard"`
}

// Matrices splits stacks into matrices of at most batch jobs each, in
// order. No stacks, no matrices.
func Matrices(stacks []string, batch int) ([]Matrix, error) {
	if batch < 1 || batch > MaxMatrixJobs {
		return nil, fmt.Errorf("batch: %d is not between 1 and %d, GitHub's limit of jobs per matrix", batch, MaxMatrixJobs)
	}
	var out []Matrix
	for start := 0; start < len(stacks); start += batch {
		m := Matrix{}
		for _, s := range stacks[start:min(start+batch, len(stacks))] {
			m.Include = append(m.Include, MatrixEntry{Shard: s})
		}
		out = append(out, m)
	}
	return out, nil
}

// WriteMatrices writes each matrix as one line of JSON.
func WriteMatrices(w io.Writer, ms []Matrix) error {
	enc := json.NewEncoder(w)
	for _, m := range ms {
		if err := enc.Encode(m); err != nil {
			return err
		}
	}
	return nil
}
