package server

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// uiFiles is the web UI as built by `npm run build` in server/ui. The
// folder always holds a committed dist/.keep, so that a fresh checkout
// builds before npm ever ran; such a binary answers with a page that
// says how to build the UI.
//
//go:embed all:ui/dist
var uiFiles embed.FS

// registerUI serves the single-page app. Its files are answered from the
// embedded dist folder; any other GET outside /api/ gets index.html, so
// that the app's own routes (/p/mnist, /shared/TOKEN) survive a reload.
func (s *Server) registerUI(_ *gin.Engine) {
	dist, err := fs.Sub(uiFiles, "ui/dist")
	if err != nil {
		panic("server: embedded ui/dist missing: " + err.Error())
	}
	s.uiFallback = uiHandler(dist)
}

// uiHandler answers GET requests from fsys: a file when the path names
// one, index.html otherwise. Hashed assets are cached for a year; the
// index never, so a new binary's UI shows on the next load.
func uiHandler(fsys fs.FS) gin.HandlerFunc {
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		index = []byte(uiMissingPage)
	}
	files := http.FileServerFS(fsys)
	return func(c *gin.Context) {
		name := strings.TrimPrefix(path.Clean(c.Request.URL.Path), "/")
		if name != "" && name != "index.html" && isFile(fsys, name) {
			if strings.HasPrefix(name, "assets/") {
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			}
			files.ServeHTTP(c.Writer, c.Request)
			return
		}
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	}
}

// isFile reports whether name is a regular file in fsys.
func isFile(fsys fs.FS, name string) bool {
	info, err := fs.Stat(fsys, name)
	return err == nil && info.Mode().IsRegular()
}

// uiMissingPage is served when the binary was built before the UI was.
const uiMissingPage = `<!doctype html><html><head><title>Sextant</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>Sextant</h1>
<p>The web UI is not part of this build. Run <code>make build</code>
(or <code>cd server/ui &amp;&amp; npm ci &amp;&amp; npm run build</code>, then
<code>go build ./cmd/sextant</code>) to embed it.</p>
<p>The API is served under <code>/api/v1</code>.</p>
</body></html>
`
