package client

import "strings"

// SafeName returns name with every byte the server refuses in a project
// name or run id (anything but letters, digits, '_', '.', '-') replaced by
// '-', a leading '.' too, cut to 128 bytes; "-" for an empty name. Names
// that are valid come back unchanged.
func SafeName(name string) string {
	if name == "" {
		return "-"
	}
	var b strings.Builder
	for i := 0; i < len(name) && i < 128; i++ {
		c := name[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == '-' || c == '.' && i > 0
		if !ok {
			c = '-'
		}
		b.WriteByte(c)
	}
	return b.String()
}
