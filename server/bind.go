package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
)

// bindJSON decodes the request body into v. The body may hold at most
// Config.MaxJSONBytes (413 past it); bad JSON and a value of the wrong type
// answer 400 naming the field. An empty body decodes as {}.
func (s *Server) bindJSON(c *gin.Context, v any) error {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxJSONBytes)
	dec := json.NewDecoder(body)
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err == nil && dec.More() {
		return errInvalid("body: more than one JSON value")
	}
	return jsonError(err, s.cfg.MaxJSONBytes)
}

// jsonError turns a decoding error into the answer for the client.
func jsonError(err error, limit int64) error {
	var (
		tooLarge *http.MaxBytesError
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge):
		return errTooLarge("body: larger than the limit of %d bytes", limit)
	case errors.As(err, &syntax):
		return errInvalid("body: malformed JSON at byte %d: %v", syntax.Offset, err)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return errInvalid("%s: want %s, got JSON %s", field, typ.Type, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errInvalid("body: truncated JSON")
	}
	return errInvalid("body: %v", err)
}
