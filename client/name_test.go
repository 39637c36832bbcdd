package client

import "testing"

func TestSafeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mnist_v2.1-a", "mnist_v2.1-a"},
		{"exp one", "exp-one"},
		{"/Users/ana/exp", "-Users-ana-exp"},
		{".hidden", "-hidden"},
		{"é", "--"},
		{"", "-"},
	}
	for _, tt := range tests {
		if got := SafeName(tt.in); got != tt.want {
			t.Errorf("SafeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
