package nuget

import (
	"strings"
	"testing"
)

// TestParseXMLHostile checks that documents built to exhaust memory, read
// local files or reach the network are refused before anything is
// expanded or fetched.
func TestParseXMLHostile(t *testing.T) {
	laughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<package><metadata><id>&lol9;</id></metadata></package>`
	tests := []struct{ name, data, err string }{
		{"billion laughs", laughs, errDTD.Error()},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><p>&xxe;</p>`, errDTD.Error()},
		{"external DTD", `<!DOCTYPE p SYSTEM "http://example.invalid/p.dtd"><p/>`, errDTD.Error()},
		{"doctype after the root", `<p/><!DOCTYPE p>`, errDTD.Error()},
		{"undeclared entity", `<p>&xxe;</p>`, "invalid character entity &xxe;"},
		{"too deep", strings.Repeat("<a>", maxXMLDepth+1) + strings.Repeat("</a>", maxXMLDepth+1), "nested deeper than 64 levels"},
		{"too many elements", "<p>" + strings.Repeat("<a/>", maxXMLNodes) + "</p>", "more than 200000 elements"},
		{"odd UTF-16", "\xff\xfe<\x00p", "UTF-16 text with an odd number of bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := parseXML([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error %v, want %q (tree %+v)", err, tt.err, n)
			}
		})
	}
}

func TestParseXML(t *testing.T) {
	n, err := parseXML([]byte("\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- c --><a x=\"1\"><B>t<![CDATA[<u>]]>&amp;</B><c/></a>\n"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Name != "a" || len(n.Children) != 2 || n.child("b").Text != "t<u>&" || n.value("x") != "1" || n.value("B") != "t<u>&" || n.value("d") != "" {
		t.Errorf("tree %+v", n)
	}
	// Depth and size up to the limits are accepted.
	deep := strings.Repeat("<a>", maxXMLDepth) + strings.Repeat("</a>", maxXMLDepth)
	if _, err := parseXML([]byte(deep)); err != nil {
		t.Errorf("depth %d: %v", maxXMLDepth, err)
	}
}

func FuzzParseXML(f *testing.F) {
	addSeeds(f, "testdata/*/*.csproj", "testdata/*/packages.config", "testdata/nuspec/*.nuspec", "testdata/broken/*/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := parseXML(data)
		if err != nil {
			return
		}
		var walk func(n *xmlNode, depth int) int
		walk = func(n *xmlNode, depth int) int {
			if depth > maxXMLDepth {
				t.Fatalf("depth %d", depth)
			}
			count := 1
			for _, c := range n.Children {
				count += walk(c, depth+1)
			}
			return count
		}
		if c := walk(n, 1); c > maxXMLNodes {
			t.Fatalf("%d nodes", c)
		}
	})
}
