package nuget

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the XML reader. Project files, packages.config and nuspec
// files are a few kilobytes; the limits only stop hostile input from
// exhausting memory or the stack of the tree walkers.
const (
	maxXMLDepth = 64
	maxXMLNodes = 200_000
)

// errDTD is returned for documents with a document type declaration. No
// NuGet or MSBuild file needs one, and refusing them shuts out entity
// expansion and external entities whatever the decoder would do with them.
var errDTD = errors.New("DOCTYPE and ENTITY declarations are not allowed")

// xmlNode is one element of a parsed document, reduced to what the parsers
// of this package need: local names, attributes and the text directly
// inside the element.
type xmlNode struct {
	Name     string
	Attrs    []xml.Attr
	Text     string
	Children []*xmlNode
}

// attr returns the attribute with the local name, compared without case
// as MSBuild does.
func (n *xmlNode) attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return a.Value, true
		}
	}
	return "", false
}

// child returns the first child element with the local name.
func (n *xmlNode) child(name string) *xmlNode {
	for _, c := range n.Children {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// value returns the attribute name, or else the text of the child element
// of that name: MSBuild item metadata may be written either way.
func (n *xmlNode) value(name string) string {
	if v, ok := n.attr(name); ok {
		return strings.TrimSpace(v)
	}
	if c := n.child(name); c != nil {
		return strings.TrimSpace(c.Text)
	}
	return ""
}

// parseXML reads a whole document into a tree, refusing DTDs, documents
// nested deeper than maxXMLDepth and documents with more than maxXMLNodes
// elements.
func parseXML(data []byte) (*xmlNode, error) {
	data, err := toUTF8(data)
	if err != nil {
		return nil, err
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = charsetReader
	var (
		root  *xmlNode
		stack []*xmlNode
		text  [][]byte // text of the open elements, parallel to stack
		nodes int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.Directive:
			// <!DOCTYPE …> and <!ENTITY …> are the only directives XML has.
			return nil, errDTD
		case xml.StartElement:
			if len(stack) == 0 && root != nil {
				return nil, errors.New("more than one root element")
			}
			if len(stack) >= maxXMLDepth {
				return nil, fmt.Errorf("elements nested deeper than %d levels", maxXMLDepth)
			}
			if nodes++; nodes > maxXMLNodes {
				return nil, fmt.Errorf("more than %d elements", maxXMLNodes)
			}
			n := &xmlNode{Name: t.Name.Local, Attrs: t.Attr}
			if len(stack) == 0 {
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, n)
			}
			stack = append(stack, n)
			text = append(text, nil)
		case xml.EndElement:
			// The decoder has checked that the names match.
			i := len(stack) - 1
			stack[i].Text = string(text[i])
			stack, text = stack[:i], text[:i]
		case xml.CharData:
			if i := len(stack) - 1; i >= 0 {
				text[i] = append(text[i], t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("element <%s> is not closed", stack[len(stack)-1].Name)
	}
	return root, nil
}

// toUTF8 turns a UTF-16 document (Visual Studio wrote some project files
// that way) into UTF-8 and drops a UTF-8 byte order mark.
func toUTF8(data []byte) ([]byte, error) {
	var big bool
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		big = true
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
	default:
		return data, nil
	}
	body := data[2:]
	if len(body)%2 != 0 {
		return nil, errors.New("UTF-16 text with an odd number of bytes")
	}
	units := make([]uint16, len(body)/2)
	for i := range units {
		a, b := uint16(body[2*i]), uint16(body[2*i+1])
		if big {
			units[i] = a<<8 | b
		} else {
			units[i] = b<<8 | a
		}
	}
	out := make([]byte, 0, len(units))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// charsetReader serves the encodings the XML declaration may name: UTF-16
// (already converted by toUTF8) and the Latin-1 family.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-16", "utf-16le", "utf-16be", "unicode":
		return in, nil
	case "iso-8859-1", "latin1", "windows-1252", "us-ascii", "ascii":
		data, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 0, len(data))
		for _, b := range data {
			out = utf8.AppendRune(out, rune(b))
		}
		return bytes.NewReader(out), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}
