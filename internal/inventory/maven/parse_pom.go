package maven

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// maxPOMSize bounds a POM read. The largest published POMs (aggregators
// with long dependency management sections) stay well below a megabyte.
const maxPOMSize = 8 << 20

// Sentinel errors of the POM parser.
var (
	// ErrEntity marks an XML document type declaration that defines
	// entities. POMs never need them; expanding them is how XML bombs and
	// external entity reads work, so such a file is refused whole.
	ErrEntity = errors.New("the document type declaration defines entities, which a POM never needs: refused")
	// ErrNotPOM marks an XML document whose root element is not <project>.
	ErrNotPOM = errors.New("not a Maven POM")
	// ErrTooLarge marks a file over the size an extractor reads.
	ErrTooLarge = errors.New("file too large")
)

// rawPOM is a pom.xml as written: nothing inherited, nothing interpolated.
type rawPOM struct {
	Parent       *pomParent     `xml:"parent"`
	GroupID      string         `xml:"groupId"`
	ArtifactID   string         `xml:"artifactId"`
	Version      string         `xml:"version"`
	Packaging    string         `xml:"packaging"`
	Name         string         `xml:"name"`
	URL          string         `xml:"url"`
	Organization pomOrg         `xml:"organization"`
	Developers   []pomDeveloper `xml:"developers>developer"`
	Licenses     []pomLicense   `xml:"licenses>license"`
	SCM          pomSCM         `xml:"scm"`
	Properties   pomProperties  `xml:"properties"`
	Managed      []pomDep       `xml:"dependencyManagement>dependencies>dependency"`
	Dependencies []pomDep       `xml:"dependencies>dependency"`
	Modules      []string       `xml:"modules>module"`
	Profiles     []pomProfile   `xml:"profiles>profile"`
	Relocation   *pomRelocation `xml:"distributionManagement>relocation"`
}

type pomParent struct {
	GroupID    string `xml:"groupId"`
	ArtifactID string `xml:"artifactId"`
	Version    string `xml:"version"`
	// RelativePath is nil when the element is absent (Maven then looks
	// at ../pom.xml) and "" for <relativePath/> (look in the repository
	// only).
	RelativePath *string `xml:"relativePath"`
}

type pomOrg struct {
	Name string `xml:"name"`
	URL  string `xml:"url"`
}

type pomDeveloper struct {
	Name         string `xml:"name"`
	Organization string `xml:"organization"`
}

type pomLicense struct {
	Name string `xml:"name"`
	URL  string `xml:"url"`
}

type pomSCM struct {
	URL        string `xml:"url"`
	Connection string `xml:"connection"`
}

type pomDep struct {
	GroupID    string         `xml:"groupId"`
	ArtifactID string         `xml:"artifactId"`
	Version    string         `xml:"version"`
	Type       string         `xml:"type"`
	Classifier string         `xml:"classifier"`
	Scope      string         `xml:"scope"`
	Optional   string         `xml:"optional"`
	Exclusions []pomExclusion `xml:"exclusions>exclusion"`
}

type pomExclusion struct {
	GroupID    string `xml:"groupId"`
	ArtifactID string `xml:"artifactId"`
}

type pomProfile struct {
	ID              string        `xml:"id"`
	ActiveByDefault string        `xml:"activation>activeByDefault"`
	Properties      pomProperties `xml:"properties"`
	Managed         []pomDep      `xml:"dependencyManagement>dependencies>dependency"`
	Dependencies    []pomDep      `xml:"dependencies>dependency"`
	Modules         []string      `xml:"modules>module"`
}

type pomRelocation struct {
	GroupID    string `xml:"groupId"`
	ArtifactID string `xml:"artifactId"`
	Version    string `xml:"version"`
}

// pomProperties are the free-form <properties> children, by element name.
type pomProperties map[string]string

// UnmarshalXML collects each child element's text. A property element
// holding markup of its own keeps the text of that markup, as Maven does.
func (p *pomProperties) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	if *p == nil {
		*p = pomProperties{}
	}
	depth := 0
	var name string
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				name = t.Name.Local
				text.Reset()
			}
		case xml.CharData:
			if depth >= 1 {
				text.Write(t)
			}
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			if depth == 1 {
				(*p)[name] = strings.TrimSpace(text.String())
			}
			depth--
		}
	}
}

// parsePOM reads one POM. It refuses documents that declare entities and
// anything whose root is not <project>; values are trimmed.
func parsePOM(r io.Reader) (*rawPOM, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPOMSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPOMSize {
		return nil, fmt.Errorf("%w: over %d MiB", ErrTooLarge, maxPOMSize>>20)
	}
	return parsePOMBytes(data)
}

func parsePOMBytes(data []byte) (*rawPOM, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charsetReader
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, fmt.Errorf("%w: no root element", ErrNotPOM)
		}
		if err != nil {
			return nil, fmt.Errorf("parse XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.Contains(t, []byte("ENTITY")) {
				return nil, ErrEntity
			}
		case xml.StartElement:
			if t.Name.Local != "project" {
				return nil, fmt.Errorf("%w: the root element is <%s>, not <project>", ErrNotPOM, t.Name.Local)
			}
			var p rawPOM
			if err := d.DecodeElement(&p, &t); err != nil {
				return nil, fmt.Errorf("parse XML: %w", err)
			}
			p.trim()
			return &p, nil
		}
	}
}

// charsetReader turns the single-byte encodings POMs are written in
// besides UTF-8 into UTF-8.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii":
		data, err := io.ReadAll(io.LimitReader(input, maxPOMSize))
		if err != nil {
			return nil, err
		}
		out := make([]byte, 0, len(data)+len(data)/8)
		for _, b := range data {
			out = utf8.AppendRune(out, rune(b))
		}
		return bytes.NewReader(out), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", charset)
}

func (p *rawPOM) trim() {
	ts := strings.TrimSpace
	if p.Parent != nil {
		p.Parent.GroupID, p.Parent.ArtifactID, p.Parent.Version = ts(p.Parent.GroupID), ts(p.Parent.ArtifactID), ts(p.Parent.Version)
		if p.Parent.RelativePath != nil {
			rp := ts(*p.Parent.RelativePath)
			p.Parent.RelativePath = &rp
		}
	}
	p.GroupID, p.ArtifactID, p.Version, p.Packaging = ts(p.GroupID), ts(p.ArtifactID), ts(p.Version), ts(p.Packaging)
	p.Name, p.URL = ts(p.Name), ts(p.URL)
	p.Organization.Name, p.Organization.URL = ts(p.Organization.Name), ts(p.Organization.URL)
	for i := range p.Developers {
		p.Developers[i].Name, p.Developers[i].Organization = ts(p.Developers[i].Name), ts(p.Developers[i].Organization)
	}
	for i := range p.Licenses {
		p.Licenses[i].Name, p.Licenses[i].URL = ts(p.Licenses[i].Name), ts(p.Licenses[i].URL)
	}
	p.SCM.URL, p.SCM.Connection = ts(p.SCM.URL), ts(p.SCM.Connection)
	trimDeps(p.Managed)
	trimDeps(p.Dependencies)
	for i := range p.Modules {
		p.Modules[i] = ts(p.Modules[i])
	}
	for i := range p.Profiles {
		pr := &p.Profiles[i]
		pr.ID, pr.ActiveByDefault = ts(pr.ID), ts(pr.ActiveByDefault)
		trimDeps(pr.Managed)
		trimDeps(pr.Dependencies)
		for j := range pr.Modules {
			pr.Modules[j] = ts(pr.Modules[j])
		}
	}
	if r := p.Relocation; r != nil {
		r.GroupID, r.ArtifactID, r.Version = ts(r.GroupID), ts(r.ArtifactID), ts(r.Version)
	}
}

func trimDeps(ds []pomDep) {
	ts := strings.TrimSpace
	for i := range ds {
		d := &ds[i]
		d.GroupID, d.ArtifactID, d.Version = ts(d.GroupID), ts(d.ArtifactID), ts(d.Version)
		d.Type, d.Classifier, d.Scope, d.Optional = ts(d.Type), ts(d.Classifier), ts(d.Scope), ts(d.Optional)
		for j := range d.Exclusions {
			d.Exclusions[j].GroupID, d.Exclusions[j].ArtifactID = ts(d.Exclusions[j].GroupID), ts(d.Exclusions[j].ArtifactID)
		}
	}
}

// activeProfiles are the profiles Maven activates without being asked:
// those marked activeByDefault. Activation by JDK, OS, property or file
// depends on the build machine and is not guessed.
func (p *rawPOM) activeProfiles() []pomProfile {
	var out []pomProfile
	for _, pr := range p.Profiles {
		if strings.EqualFold(pr.ActiveByDefault, "true") {
			out = append(out, pr)
		}
	}
	return out
}
