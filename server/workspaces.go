package server

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/workspace"
)

// Path words of the workspace routes that are not user names.
const (
	workspaceMe      = "me"
	workspaceDefault = "default"
)

// registerWorkspaces adds the per-user workspaces of a project. Those who
// may write to a project keep a workspace of their own in it, which only
// they change; other readers (of a public project) see the newcomers'
// layout and may read their teammates'. The default workspace is set by the
// project's admins.
func (s *Server) registerWorkspaces(g *gin.RouterGroup) {
	ws := g.Group("/projects/:project/workspaces")
	ws.GET("", s.handle(s.listWorkspaces))
	ws.GET("/me", s.handle(s.getMyWorkspace))
	ws.PUT("/me", s.handle(s.putMyWorkspace))
	ws.POST("/me/undo", s.handle(s.undoMyWorkspace))
	ws.POST("/me/redo", s.handle(s.redoMyWorkspace))
	ws.POST("/me/copy", s.handle(s.copyToMyWorkspace))
	ws.GET("/default", s.handle(s.getDefaultWorkspace))
	ws.PUT("/default", s.handle(s.putDefaultWorkspace))
	ws.GET("/:user", s.handle(s.getUserWorkspace))
	ws.PUT("/:user", s.handle(s.putUserWorkspace))
}

// workspaces returns the store of workspaces, views, reports and share
// links. It holds no state of its own besides the database.
func (s *Server) workspaces() *workspace.Store {
	return workspace.NewStore(s.db.Badger())
}

// workspaceError gives the store's conflicts (stale revision, nothing to
// undo or redo) their 409; its other errors are the engine's kinds.
func workspaceError(err error) error {
	if errors.Is(err, workspace.ErrConflict) {
		return &apiError{status: http.StatusConflict, code: codeConflict,
			message: err.Error(), cause: err}
	}
	return err
}

// answerWorkspace writes w with the keys logged since it was saved laid
// out (see workspace.Sync): reads never store anything.
func (s *Server) answerWorkspace(c *gin.Context, p engine.Project, w workspace.Workspace) error {
	keys, err := s.db.ProjectKeys(p.Name)
	if err != nil {
		return err
	}
	w.Spec, _ = workspace.Sync(w.Spec, keys)
	if w.Owner == workspace.DefaultOwner {
		w.Owner = workspaceDefault
	}
	c.JSON(http.StatusOK, w)
	return nil
}

// listWorkspaces answers the users who have a workspace in the project.
func (s *Server) listWorkspaces(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	owners, err := s.workspaces().Owners(p.Name)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"owners": owners})
	return nil
}

// ensureWorkspace returns the caller's workspace, made on first use from
// the project's default workspace, or its automatic layout when it has
// none.
func (s *Server) ensureWorkspace(c *gin.Context, p engine.Project) (workspace.Workspace, error) {
	return s.workspaces().Ensure(p.Name, s.user(c).Name, func() (workspace.Spec, error) {
		return s.newcomerSpec(p)
	})
}

// newcomerSpec is the layout a newcomer starts from.
func (s *Server) newcomerSpec(p engine.Project) (workspace.Spec, error) {
	d, err := s.workspaces().Workspace(p.Name, workspace.DefaultOwner)
	if err == nil {
		return d.Spec, nil
	}
	if !errors.Is(err, workspace.ErrNotFound) {
		return workspace.Spec{}, err
	}
	keys, err := s.db.ProjectKeys(p.Name)
	if err != nil {
		return workspace.Spec{}, err
	}
	return workspace.AutoLayout(keys), nil
}

// getMyWorkspace answers the caller's workspace, made on first read. A
// reader who may not write gets the newcomers' layout at revision 0, and
// nothing is stored.
func (s *Server) getMyWorkspace(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	var w workspace.Workspace
	if s.canWrite(s.user(c), p) {
		w, err = s.ensureWorkspace(c, p)
	} else {
		w, err = s.readerWorkspace(c, p)
	}
	if err != nil {
		return workspaceError(err)
	}
	return s.answerWorkspace(c, p, w)
}

// readerWorkspace is what a reader who may not write sees as theirs: the
// workspace they kept while they could write, or the newcomers' layout.
func (s *Server) readerWorkspace(c *gin.Context, p engine.Project) (workspace.Workspace, error) {
	me := s.user(c).Name
	w, err := s.workspaces().Workspace(p.Name, me)
	if !errors.Is(err, workspace.ErrNotFound) {
		return w, err
	}
	spec, err := s.newcomerSpec(p)
	return workspace.Workspace{Owner: me, Spec: spec}, err
}

// saveRequest is the body of a workspace PUT.
type saveRequest struct {
	Revision *uint64         `json:"revision"`
	Spec     json.RawMessage `json:"spec"`
}

// bindSave reads a workspace PUT: the revision it was based on and its
// spec, migrated and checked.
func (s *Server) bindSave(c *gin.Context) (uint64, workspace.Spec, error) {
	var req saveRequest
	if err := s.bindJSON(c, &req); err != nil {
		return 0, workspace.Spec{}, err
	}
	if req.Revision == nil {
		return 0, workspace.Spec{}, errInvalid("revision: missing; send the revision read")
	}
	spec, err := decodeSpec(req.Spec)
	if err != nil {
		return 0, workspace.Spec{}, err
	}
	spec.ResolveAuto()
	return *req.Revision, spec, nil
}

// decodeSpec reads a spec of any known version from a request.
func decodeSpec(raw json.RawMessage) (workspace.Spec, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return workspace.Spec{}, errInvalid("spec: missing")
	}
	spec, err := workspace.Decode(raw)
	if err != nil {
		return workspace.Spec{}, errInvalid("spec: %s", err.Error())
	}
	return spec, nil
}

func (s *Server) putMyWorkspace(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	return s.saveWorkspace(c, p, s.user(c).Name)
}

// saveWorkspace stores the request's spec as the next revision of owner's
// workspace: 409 when the request's revision is not the current one.
func (s *Server) saveWorkspace(c *gin.Context, p engine.Project, owner string) error {
	rev, spec, err := s.bindSave(c)
	if err != nil {
		return err
	}
	w, err := s.workspaces().Save(p.Name, owner, rev, spec)
	if err != nil {
		return workspaceError(err)
	}
	return s.answerWorkspace(c, p, w)
}

func (s *Server) undoMyWorkspace(c *gin.Context) error {
	return s.stepMyWorkspace(c, (*workspace.Store).Undo)
}

func (s *Server) redoMyWorkspace(c *gin.Context) error {
	return s.stepMyWorkspace(c, (*workspace.Store).Redo)
}

// stepMyWorkspace undoes or redoes one change of the caller's workspace;
// 409 when there is none to take.
func (s *Server) stepMyWorkspace(c *gin.Context,
	step func(*workspace.Store, string, string) (workspace.Workspace, error)) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	if _, err := s.ensureWorkspace(c, p); err != nil {
		return workspaceError(err)
	}
	w, err := step(s.workspaces(), p.Name, s.user(c).Name)
	if err != nil {
		return workspaceError(err)
	}
	return s.answerWorkspace(c, p, w)
}

// copyToMyWorkspace makes the caller's workspace a copy of a teammate's,
// as one revision that undo takes back.
func (s *Server) copyToMyWorkspace(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	var req struct {
		From string `json:"from"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}
	if req.From == "" {
		return errInvalid("from: missing; name the user whose workspace to copy")
	}

	theirs, err := s.workspaces().Workspace(p.Name, req.From)
	if err != nil {
		return workspaceError(err)
	}
	if _, err := s.ensureWorkspace(c, p); err != nil {
		return workspaceError(err)
	}
	w, err := s.workspaces().Replace(p.Name, s.user(c).Name, theirs.Spec)
	if err != nil {
		return workspaceError(err)
	}
	return s.answerWorkspace(c, p, w)
}

// getUserWorkspace answers a teammate's workspace, read-only; the
// caller's own name reads as /workspaces/me.
func (s *Server) getUserWorkspace(c *gin.Context) error {
	if c.Param("user") == s.user(c).Name {
		return s.getMyWorkspace(c)
	}
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	w, err := s.workspaces().Workspace(p.Name, c.Param("user"))
	if err != nil {
		return workspaceError(err)
	}
	return s.answerWorkspace(c, p, w)
}

// putUserWorkspace saves a workspace named by its owner: only the owner
// may, so it is PUT /workspaces/me by another path.
func (s *Server) putUserWorkspace(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	owner := c.Param("user")
	if owner != s.user(c).Name {
		return errForbidden("workspace of %q: only its owner changes it, not %q",
			owner, s.user(c).Name)
	}
	if !s.canWrite(s.user(c), p) {
		return errForbidden("project %q: not writable by %q", p.Name, owner)
	}
	return s.saveWorkspace(c, p, owner)
}

// getDefaultWorkspace answers the newcomers' layout: the one the project's
// admins set, or the automatic layout (revision 0) when they set none.
func (s *Server) getDefaultWorkspace(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	w, err := s.workspaces().Workspace(p.Name, workspace.DefaultOwner)
	if errors.Is(err, workspace.ErrNotFound) {
		w, err = workspace.Workspace{Owner: workspace.DefaultOwner,
			Spec: workspace.AutoLayout(nil)}, nil
	}
	if err != nil {
		return workspaceError(err)
	}
	return s.answerWorkspace(c, p, w)
}

// putDefaultWorkspace sets the newcomers' layout; only the project's
// owner or its team's admins may.
func (s *Server) putDefaultWorkspace(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	if !s.isProjectAdmin(c, p) {
		return errForbidden("default workspace of %q: only the project's owner or team "+
			"admins set it, not %q", p.Name, s.user(c).Name)
	}
	return s.saveWorkspace(c, p, workspace.DefaultOwner)
}
