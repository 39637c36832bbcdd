package server

import "io"

// writeEngineStats writes the engine's figures.
//
// TODO: expose engine.DB.Stats once the engine has it; until then /metrics
// shows the server's figures only.
func (s *Server) writeEngineStats(w io.Writer) {}
