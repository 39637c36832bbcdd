package server

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestUsersAndTeams(t *testing.T) {
	e := newCastEnv(t, Config{})
	tests := []struct {
		name, user, method, path, body string
		want                           int
	}{
		{"only admin creates users", "lead", "POST", "/api/v1/users", `{"name":"x"}`, 403},
		{"user name taken", "admin", "POST", "/api/v1/users", `{"name":"lead"}`, 409},
		{"user name invalid", "admin", "POST", "/api/v1/users", `{"name":"a b"}`, 400},
		{"user name missing", "admin", "POST", "/api/v1/users", `{}`, 400},
		{"team name taken", "member", "POST", "/api/v1/teams", `{"name":"vision"}`, 409},
		{"member may not add members", "member", "POST", "/api/v1/teams/vision/members",
			`{"user":"outsider"}`, 403},
		{"outsider may not add members", "outsider", "POST", "/api/v1/teams/vision/members",
			`{"user":"outsider"}`, 403},
		{"unknown user", "lead", "POST", "/api/v1/teams/vision/members", `{"user":"ghost"}`, 404},
		{"unknown team", "lead", "POST", "/api/v1/teams/nope/members", `{"user":"member"}`, 404},
		{"outsider reads team", "outsider", "GET", "/api/v1/teams/vision", "", 403},
		{"member reads team", "member", "GET", "/api/v1/teams/vision", "", 200},
		{"admin adds to any team", "admin", "POST", "/api/v1/teams/vision/members",
			`{"user":"member","admin":false}`, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(tt.user, tt.method, tt.path, tt.body)
			if res.status != tt.want {
				t.Errorf("%s %s %s as %s = %d %s, want %d", tt.method, tt.path, tt.body,
					tt.user, res.status, res.body, tt.want)
			}
		})
	}

	var me struct {
		Name  string `json:"name"`
		Teams []struct {
			Team  string `json:"team"`
			Admin bool   `json:"admin"`
		} `json:"teams"`
	}
	e.mustDo("lead", "GET", "/api/v1/me", "", 200, &me)
	if me.Name != "lead" || len(me.Teams) != 1 || me.Teams[0].Team != "vision" ||
		!me.Teams[0].Admin {
		t.Errorf("GET /api/v1/me as lead = %+v, want lead, admin of vision", me)
	}
}

func TestNewUserKeyWorks(t *testing.T) {
	e := newEnv(t, Config{})
	var out struct {
		Name   string `json:"name"`
		APIKey string `json:"api_key"`
	}
	e.mustDo("admin", "POST", "/api/v1/users", `{"name":"ana"}`, 201, &out)
	if out.Name != "ana" || len(out.APIKey) < 40 {
		t.Fatalf("POST /api/v1/users = %+v, want name ana and a long key", out)
	}
	e.keys["ana"] = out.APIKey
	e.mustDo("ana", "GET", "/api/v1/me", "", 200, nil)
}

func TestProjectVisibility(t *testing.T) {
	e := newCastEnv(t, Config{})
	e.mustDo("outsider", "POST", "/api/v1/projects", `{"name":"mine"}`, 201, nil)
	e.mustDo("outsider", "POST", "/api/v1/projects",
		`{"name":"open","visibility":"public"}`, 201, nil)
	tests := []struct {
		name, user, method, path, body string
		want                           int
	}{
		{"member reads team project", "member", "GET", "/api/v1/projects/proj", "", 200},
		{"outsider reads private project", "outsider", "GET", "/api/v1/projects/proj", "", 403},
		{"admin reads anything", "admin", "GET", "/api/v1/projects/mine", "", 200},
		{"team member reads other's private", "member", "GET", "/api/v1/projects/mine", "", 403},
		{"anyone reads public", "member", "GET", "/api/v1/projects/open", "", 200},
		{"public is not writable by others", "member", "POST", "/api/v1/projects/open/runs",
			`{}`, 403},
		{"owner writes own project", "outsider", "POST", "/api/v1/projects/mine/runs", `{}`, 201},
		{"outsider writes team project", "outsider", "POST", "/api/v1/projects/proj/runs",
			`{}`, 403},
		{"team project needs membership", "outsider", "POST", "/api/v1/projects",
			`{"name":"p2","team":"vision"}`, 403},
		{"unknown team", "member", "POST", "/api/v1/projects", `{"name":"p3","team":"x"}`, 404},
		{"bad visibility", "member", "POST", "/api/v1/projects",
			`{"name":"p4","visibility":"secret"}`, 400},
		{"bad name", "member", "POST", "/api/v1/projects", `{"name":"a/b"}`, 400},
		{"taken name", "member", "POST", "/api/v1/projects", `{"name":"proj"}`, 409},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(tt.user, tt.method, tt.path, tt.body)
			if res.status != tt.want {
				t.Errorf("%s %s %s as %s = %d %s, want %d", tt.method, tt.path, tt.body,
					tt.user, res.status, res.body, tt.want)
			}
		})
	}

	lists := map[string][]string{
		"member":   {"open", "proj"},
		"outsider": {"mine", "open"},
		"admin":    {"mine", "open", "proj"},
	}
	for user, want := range lists {
		var out struct {
			Projects []struct {
				Name       string `json:"name"`
				Visibility string `json:"visibility"`
			} `json:"projects"`
		}
		e.mustDo(user, "GET", "/api/v1/projects", "", 200, &out)
		var got []string
		for _, p := range out.Projects {
			got = append(got, p.Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("GET /api/v1/projects as %s = %v, want %v", user, got, want)
		}
	}
}

func TestProjectDefaultsAndFlags(t *testing.T) {
	e := newCastEnv(t, Config{})
	var p map[string]any
	e.mustDo("member", "GET", "/api/v1/projects/proj", "", 200, &p)
	if p["visibility"] != "private" || p["team"] != "vision" || p["owner"] != "lead" ||
		p["can_write"] != true || p["can_admin"] != false {
		b, _ := json.Marshal(p)
		t.Errorf("GET /api/v1/projects/proj as member = %s, want private team project of "+
			"lead, writable, not admin", b)
	}
	e.mustDo("lead", "GET", "/api/v1/projects/proj", "", 200, &p)
	if p["can_admin"] != true {
		t.Errorf("GET /api/v1/projects/proj as lead: can_admin = %v, want true", p["can_admin"])
	}
}
