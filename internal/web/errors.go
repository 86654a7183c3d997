package web

import (
	"errors"
	"net/http"

	"ospo/internal/portfolio"
)

// invalidAsBadRequest answers the portfolio's refusal of bad input (a
// project name, kind or criticality it does not take, a scan document
// it cannot store) with 400 and its message; other errors keep their
// mapping (404, 409, 503 or 500).
func invalidAsBadRequest(err error) error {
	if err != nil && errors.Is(err, portfolio.ErrInvalid) {
		return &httpError{status: http.StatusBadRequest, msg: err.Error()}
	}
	return err
}
