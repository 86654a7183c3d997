// Package quality rates how useful a supplied SBOM is: how many of its
// components carry the NTIA minimum elements ("The Minimum Elements For a
// Software Bill of Materials", NTIA, July 2021) plus the license, hash and
// download data an OSPO needs, and which components lack what. It gives an
// OSPO the evidence to decide whether a supplier's (or its own) SBOMs need
// work or are good enough as they are.
//
// Score is a pure function of a parsed document (package sbom): facts are
// read from the CycloneDX or SPDX model once, then judged.
//
// # What is rated
//
// Per component (the primary component — CycloneDX metadata.component,
// SPDX packages the document DESCRIBES — is checked at document level and
// left out of the averages; nested CycloneDX components all count):
//
//	criterion          weight  met when
//	supplier (NTIA)        10  CycloneDX supplier.name, manufacturer.name or publisher;
//	                           SPDX PackageSupplier. An author or originator names
//	                           who wrote the code, not who answers for the package,
//	                           so it does not count.
//	name (NTIA)            10  a name
//	version (NTIA)         10  a version
//	identifier (NTIA)      10  a package URL that parses, a CPE, a SWID tag id,
//	                           an OmniBOR id or SWHID; SPDX external references of
//	                           category PACKAGE-MANAGER, SECURITY (cpe22Type,
//	                           cpe23Type, swid) or PERSISTENT-ID
//	relationships (NTIA)   10  the component is in the dependency graph: CycloneDX
//	                           dependencies[] names it as ref, in dependsOn or in
//	                           provides (a ref with no dependsOn asserts "no
//	                           dependencies", which is a statement about the graph);
//	                           SPDX: a dependency-kind relationship (DEPENDS_ON,
//	                           *DEPENDENCY_OF, CONTAINS, CONTAINED_BY, DYNAMIC_LINK,
//	                           STATIC_LINK, PREREQUISITE_FOR, HAS_PREREQUISITE,
//	                           OPTIONAL_COMPONENT_OF, PACKAGE_OF) links it to another
//	                           package, to an element of another document or to NONE
//	license                15  a valid SPDX license expression (checked against the
//	                           SPDX list): CycloneDX licenses[].expression or
//	                           license.id, also under evidence.licenses; SPDX
//	                           licenseConcluded or licenseDeclared. Free text (a
//	                           CycloneDX license name, text or URL, or an SPDX value
//	                           that does not parse) is partial: half credit.
//	                           Empty, NOASSERTION, NONE and UNKNOWN count as missing.
//	hash                   10  any checksum: CycloneDX hashes, or hashes on a
//	                           distribution external reference; SPDX checksums.
//	                           Components whose only hashes are MD5, SHA-1 or weaker
//	                           still count, and are reported as weak.
//	download_location       5  SPDX downloadLocation other than NOASSERTION or NONE;
//	                           CycloneDX externalReferences of type distribution,
//	                           distribution-intake or vcs
//
// Per document:
//
//	check              weight  passed when
//	author (NTIA)           6  CycloneDX metadata.authors, tools, manufacturer,
//	                           manufacture or supplier; SPDX creationInfo creators
//	timestamp (NTIA)        6  metadata.timestamp / creationInfo.created is RFC 3339
//	primary_component       4  the document names what it describes
//	dependency_graph        4  at least one dependency edge between two elements
//	spec_version            0  informational: CycloneDX 1.4 or later, SPDX 2.2 or later
//
// # Formula
//
// An element's score is 10 × (met + ½ partial) ⁄ components, or 0 when
// there are no components to rate. A check scores 10 when passed, else 0.
//
//	Overall = Σ weight × score ⁄ Σ weight      (the weights add up to 100)
//
// A component's own score uses the component weights alone (80), with 10
// for met, 5 for partial and 0 for missing; it ranks the weakest
// components. Grades: A from 9.0, B from 7.5, C from 5.0, D below.
// Scores are rounded to one decimal, and the grade is taken from the
// rounded overall score. The NTIA minimum elements are met
// when every rated component has all five NTIA component elements and
// the author and timestamp checks pass.
//
// A document whose only packages are the ones it describes (common in SPDX
// documents that list modules side by side) has those rated as its
// components, and the report says so (PrimaryRated).
package quality
