// Package license turns what packages say and ship about their license
// into one SPDX expression per component: it normalises declared values,
// identifies license texts, and concludes from both with a reason, marking
// every answer that a person should review. It knows nothing of
// inventories or policies.
//
// Identification runs in layers, because both text engines take a second
// or more to build and most texts are copies of a few hundred known ones:
//
//  1. exact: the text, reduced to its words without copyright lines, is
//     looked up by hash in knowntexts.txt, a table generated from real
//     license files by the engines themselves (see knowntexts_test.go);
//  2. licensecheck with only the common licenses, accepted when it
//     explains all but a few words of the text;
//  3. licensecheck with all its licenses, accepted at MinCoverage;
//  4. licenseclassifier, asked only when licensecheck found nothing
//     definite. What only it sees is never an answer: the text resembles a
//     license but may be modified, and a person decides.
//
// Each engine is built on first need, so a scan whose texts are all known
// never builds one.
package license
