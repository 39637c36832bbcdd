package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/engine"
)

// Error codes of the JSON error body. They are part of the API contract.
const (
	codeInvalid     = "invalid_argument"
	codeUnauth      = "unauthenticated"
	codeForbidden   = "permission_denied"
	codeNotFound    = "not_found"
	codeConflict    = "conflict"
	codeTooLarge    = "too_large"
	codeRateLimited = "rate_limited"
	codeUnavailable = "unavailable"
	codeInternal    = "internal"
)

// apiError is an error a handler returns to choose the answer: a status, a
// stable code and a message for the client. Cause, when set, is logged and
// never shown to the client.
type apiError struct {
	status  int
	code    string
	message string
	cause   error
	// retryAfter, in seconds, is sent as Retry-After when positive.
	retryAfter int
}

func (e *apiError) Error() string {
	if e.cause != nil {
		return e.message + ": " + e.cause.Error()
	}
	return e.message
}

func (e *apiError) Unwrap() error { return e.cause }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// errInvalid answers 400; the message names the field and the problem.
func errInvalid(format string, args ...any) error {
	return newError(http.StatusBadRequest, codeInvalid, format, args...)
}

// errUnauthenticated answers 401: no key, or a key nobody holds.
func errUnauthenticated(format string, args ...any) error {
	return newError(http.StatusUnauthorized, codeUnauth, format, args...)
}

// errForbidden answers 403: the caller is known but may not do this.
func errForbidden(format string, args ...any) error {
	return newError(http.StatusForbidden, codeForbidden, format, args...)
}

// errNotFound answers 404.
func errNotFound(format string, args ...any) error {
	return newError(http.StatusNotFound, codeNotFound, format, args...)
}

// errConflict answers 409.
func errConflict(format string, args ...any) error {
	return newError(http.StatusConflict, codeConflict, format, args...)
}

// errTooLarge answers 413: a documented limit was passed.
func errTooLarge(format string, args ...any) error {
	return newError(http.StatusRequestEntityTooLarge, codeTooLarge, format, args...)
}

// errRateLimited answers 429 with Retry-After set to retryAfter seconds.
func errRateLimited(retryAfter int, format string, args ...any) error {
	e := newError(http.StatusTooManyRequests, codeRateLimited, format, args...)
	e.retryAfter = max(retryAfter, 1)
	return e
}

// errUnavailable answers 503: the server is shutting down.
func errUnavailable(format string, args ...any) error {
	return newError(http.StatusServiceUnavailable, codeUnavailable, format, args...)
}

// toAPIError maps any error to the answer the client gets. Engine errors
// carry their own message, which names the field; errors of unknown kind
// are internal: the client sees a fixed message, the log sees the cause.
func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	kind := func(status int, code string) *apiError {
		return &apiError{status: status, code: code, message: err.Error(), cause: err}
	}
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return kind(http.StatusNotFound, codeNotFound)
	case errors.Is(err, engine.ErrExists):
		return kind(http.StatusConflict, codeConflict)
	case errors.Is(err, engine.ErrInvalid):
		return kind(http.StatusBadRequest, codeInvalid)
	case errors.Is(err, engine.ErrClosed):
		return &apiError{status: http.StatusServiceUnavailable, code: codeUnavailable,
			message: "server is shutting down", cause: err}
	}
	return &apiError{status: http.StatusInternalServerError, code: codeInternal,
		message: "internal error", cause: err}
}

// errorBody is the JSON every error answer carries.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError answers err as JSON and logs the causes of server faults.
func (s *Server) writeError(c *gin.Context, err error) {
	ae := toAPIError(err)
	if ae.status >= 500 && ae.status != http.StatusServiceUnavailable {
		s.log.LogAttrs(c.Request.Context(), slog.LevelError, "request failed",
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", ae.status),
			slog.String("err", err.Error()))
	}
	if ae.retryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(ae.retryAfter))
	}
	var body errorBody
	body.Error.Code = ae.code
	body.Error.Message = ae.message
	c.AbortWithStatusJSON(ae.status, body)
}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(c *gin.Context) error

// handle adapts fn to gin: a returned error becomes the JSON error answer.
func (s *Server) handle(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			s.writeError(c, err)
		}
	}
}

// panicError carries a recovered panic to the log as an internal error.
type panicError struct{ v any }

func (p panicError) Error() string { return fmt.Sprintf("panic: %v", p.v) }
