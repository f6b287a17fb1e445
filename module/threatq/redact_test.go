package threatq

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://threatq.example.com":                                                                 "https://threatq.example.com",
		"https://user:pa55@threatq.example.com/":                                                      "https://threatq.example.com/",
		"https://only-user@threatq.example.com:8443/api":                                              "https://threatq.example.com:8443/api",
		"https://h/api/token?client_secret=s3&tenant=acme":                                            "https://h/api/token?client_secret=%5Bredacted%5D&tenant=acme",
		"https://h/api/token?X-Api-Key=k&sig=1&access_token=":                                         "https://h/api/token?X-Api-Key=%5Bredacted%5D&access_token=%5Bredacted%5D&sig=%5Bredacted%5D",
		"https://h/api/indicators/query/hash/c?cursorMark=AoE%2B&fields=%2A&limit=10&sort=updated_at": "https://h/api/indicators/query/hash/c?cursorMark=AoE%2B&fields=%2A&limit=10&sort=updated_at",
		"https://h/?password=x;y":                                                                     "https://h/?[redacted]",
		"https://u:p@h:badport":                                                                       invalidURL,
		"%":                                                                                           invalidURL,
	} {
		require.Equal(t, want, RedactURL(in), in)
	}
}
