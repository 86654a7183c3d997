package main

// The hand-kept part of the knowledge. Every id named here was looked at by
// a person: its category, how far its copyleft reaches, whether it grants
// patents and how it combines with the GNU GPL. Ids not named here fall to
// the family rules, then to the Blue Oak Council list (permissive), then to
// Unknown. Sources read while writing it: the SPDX License List (names,
// OSI and FSF flags), choosealicense.com (conditions and permissions), the
// Blue Oak Council list, Google's licenseclassifier license types, the
// ScanCode LicenseDB categories and the FSF's list of GPL-compatible
// licenses.

// curated maps a category to the ids decided by hand, as whitespace
// separated lists.
var curated = map[string]string{
	"public-domain": `
		CC0-1.0 Unlicense Unlicense-libtelnet Unlicense-libwhirlpool PDDL-1.0
		CC-PDDC CC-PDM-1.0 SAX-PD SAX-PD-2.0 NIST-PD NIST-PD-fallback NIST-PD-TNT
		NTIA-PD NCBI-PD ANTLR-PD ANTLR-PD-fallback libselinux-1.0 blessing
		LZMA-SDK-9.11-to-9.20 LZMA-SDK-9.22 DL-DE-ZERO-2.0`,

	"permissive": `
		0BSD MIT MIT-0 MIT-CMU MIT-advertising MIT-enna MIT-feh MIT-open-group
		MIT-Modern-Variant MIT-Wu MIT-Click MIT-Festival MIT-Khronos-old MIT-STK
		MIT-testregex MITNFA X11 X11-distribute-modifications-variant
		X11-no-permit-persons X11-swapped
		ISC ISC-Veillard Apache-1.0 Apache-1.1 Apache-2.0 ECL-1.0 ECL-2.0
		BSD-1-Clause BSD-2-Clause BSD-2-Clause-Patent BSD-2-Clause-Views
		BSD-2-Clause-FreeBSD BSD-2-Clause-NetBSD BSD-2-Clause-Darwin
		BSD-3-Clause BSD-3-Clause-Clear BSD-3-Clause-LBNL BSD-3-Clause-Attribution
		BSD-3-Clause-No-Nuclear-Warranty BSD-3-Clause-Modification BSD-3-Clause-HP
		BSD-3-Clause-Open-MPI BSD-3-Clause-Sun BSD-3-Clause-acpica BSD-3-Clause-flex
		BSD-3-Clause-Tso BSD-4-Clause BSD-4-Clause-UC BSD-4-Clause-Shortened
		BSD-Source-Code BSD-Advertising-Acknowledgement
		BSL-1.0 Zlib zlib-acknowledgement Nunit Libpng libpng-1.6.35 libpng-2.0
		PostgreSQL NCSA UPL-1.0 MS-PL AFL-1.1 AFL-1.2 AFL-2.0 AFL-2.1 AFL-3.0
		Artistic-1.0 Artistic-1.0-cl8 Artistic-1.0-Perl Artistic-2.0 ClArtistic
		Python-2.0 Python-2.0.1 PSF-2.0 CNRI-Python CNRI-Python-GPL-Compatible
		CNRI-Jython Ruby Ruby-pty PHP-3.0 PHP-3.01 Zend-2.0 OpenSSL
		OpenSSL-standalone SSLeay-standalone W3C W3C-19980720 W3C-20150513
		Unicode-3.0 Unicode-DFS-2015 Unicode-DFS-2016 Unicode-TOU ICU
		CC-BY-1.0 CC-BY-2.0 CC-BY-2.5 CC-BY-2.5-AU CC-BY-3.0 CC-BY-3.0-AT
		CC-BY-3.0-AU CC-BY-3.0-DE CC-BY-3.0-IGO CC-BY-3.0-NL CC-BY-3.0-US CC-BY-4.0
		CDLA-Permissive-1.0 CDLA-Permissive-2.0 ODC-By-1.0 WTFPL WTFNMFPL
		BlueOak-1.0.0 MulanPSL-1.0 MulanPSL-2.0 ZPL-1.1 ZPL-2.0 ZPL-2.1
		OLDAP-2.8 Intel Intel-ACPI FTL IJG IJG-short curl Beerware HPND
		bzip2-1.0.5 bzip2-1.0.6 Xnet NTP NTP-0 CECILL-B CERN-OHL-P-2.0
		ESA-PL-permissive-2.4 SHL-0.5 SHL-0.51 EFL-1.0 EFL-2.0 Entessa
		ImageMagick Pixar VSL-1.0 Fair Naumen OGTSL LiLiQ-P-1.1 any-OSI
		any-OSI-perl-modules Sendmail Sendmail-8.23 Sendmail-Open-Source-1.1
		gnuplot Imlib2 TCL OpenVision OML NLOD-1.0 NLOD-2.0 OGL-Canada-2.0
		OGL-UK-1.0 OGL-UK-2.0 OGL-UK-3.0 OPUBL-1.0 etalab-2.0 DL-DE-BY-2.0
		C-UDA-1.0 O-UDA-1.0 Community-Spec-1.0 OpenMDW-1.0 Knuth-CTAN
		Linux-man-pages-copyleft Linux-man-pages-copyleft-2-para
		Linux-man-pages-copyleft-var Linux-man-pages-1-para
		FDK-AAC AMPAS AML AML-glslang Baekmuk Bitstream-Vera Bitstream-Charter
		mplus ParaType-Free-Font-1.3 Lucida-Bitmap-Fonts DocBook-DTD
		DocBook-Schema DocBook-Stylesheet DocBook-XML BOLA-1.1 Bugroff
		COIL-1.0 Caldera Caldera-no-preamble Catharon Cube DRL-1.0 DRL-1.1
		NASA-1.3 LPL-1.0 LPL-1.02 HPND-sell-variant-critical-systems
		JPL-image
		3D-Slicer-1.0 AMD-newlib ASWF-Digital-Assets-1.0 ASWF-Digital-Assets-1.1
		Abstyles AdaCore-doc Advanced-Cryptics-Dictionary App-s2p Artistic-dist
		Aspell-RU Buddy CAPEC-tou Cornell-Lossless-JPEG Cronyx CryptoSwift
		DEC-3-Clause Dotseqn EPICS EUDatagrid FBM Ferguson-Twofish FreeBSD-DOC
		Furuseth GD GL2PS Glulxe Graphics-Gems Gutmann HDF5 HIDAPI HaskellReport
		ISO-permission Inner-Net-2.0 InnoSetup JPNIC Kastrup LOOP LPD-document
		Latex2e Latex2e-translated-notice MIPS MMIXware MPEG-SSG MakeIndex
		Martin-Birgmeier Minpack Noweb OAR OGC-1.0 OGDL-Taiwan-1.0 OPL-UK-3.0
		OSSP PADL SGI-OpenGL SGMLUG-PM SGP4 SL SOFA SchemeReport Soundex TMate
		TPDL TTWL TTYP0 TekHVC TermReadKey ThirdEye TrustedQSL UMich-Merit
		URT-RLE Vixie-Cron Widget-Workshop WordNet Xdebug-1.03 Zeeff checkmk
		cve-tou dtoa dvipdfm generic-xts gtkbook hyphen-bulgarian iMatix jove
		libutil-David-Nugent lsof magaz mailprio man2html metamail
		mpi-permissive ngrep pkgconf pnmstitch psfrag radvd softSurfer
		ssh-keyscan swrule threeparttable ulem w3m wwl xkeyboard-config-Zinoviev
		xzoom`,

	"weak-copyleft": `
		LGPL-2.0 LGPL-2.0+ LGPL-2.0-only LGPL-2.0-or-later LGPL-2.1 LGPL-2.1+
		LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0 LGPL-3.0+ LGPL-3.0-only
		LGPL-3.0-or-later LGPLLR MPL-1.0 MPL-1.1 MPL-2.0
		MPL-2.0-no-copyleft-exception EPL-1.0 EPL-2.0 CDDL-1.0 CDDL-1.1 CPL-1.0
		IPL-1.0 MS-RL APSL-1.0 APSL-1.1 APSL-1.2 APSL-2.0 ErlPL-1.1 SPL-1.0
		NPL-1.0 NPL-1.1 Motosoto Nokia NOSL Interbase-1.0 SugarCRM-1.1.3 YPL-1.0
		YPL-1.1 Zimbra-1.3 Zimbra-1.4 gSOAP-1.3b RSCPL CUA-OPL-1.0 OCLC-2.0
		OSET-PL-2.1 RHeCos-1.1 SNIA TPL-1.0 CATOSL-1.1 BitTorrent-1.0
		BitTorrent-1.1 FreeImage Frameworx-1.0 SISSL SISSL-1.2 CECILL-C OCCT-PL
		CDLA-Sharing-1.0 ODbL-1.0 OFL-1.0 OFL-1.0-no-RFN OFL-1.0-RFN OFL-1.1
		OFL-1.1-no-RFN OFL-1.1-RFN Ubuntu-font-1.0 IPA Arphic-1999 LPPL-1.0
		LPPL-1.1 LPPL-1.2 LPPL-1.3a LPPL-1.3c Vim LiLiQ-R-1.1 CERN-OHL-W-2.0
		ESA-PL-weak-copyleft-2.4 APL-1.0 CDL-1.0 OPL-1.0 eCos-2.0 wxWindows
		GPL-2.0-with-classpath-exception GPL-2.0-with-GCC-exception
		GPL-3.0-with-GCC-exception GPL-2.0-with-font-exception
		GPL-2.0-with-autoconf-exception GPL-2.0-with-bison-exception
		GPL-3.0-with-autoconf-exception CAL-1.0-Combined-Work-Exception`,

	"strong-copyleft": `
		GPL-1.0 GPL-1.0+ GPL-1.0-only GPL-1.0-or-later GPL-2.0 GPL-2.0+
		GPL-2.0-only GPL-2.0-or-later GPL-3.0 GPL-3.0+ GPL-3.0-only
		GPL-3.0-or-later EUPL-1.0 EUPL-1.1 EUPL-1.2 OSL-1.0 OSL-1.1 OSL-2.0
		OSL-2.1 OSL-3.0 NPOSL-3.0 CECILL-1.0 CECILL-1.1 CECILL-2.0 CECILL-2.1
		Sleepycat QPL-1.0 QPL-1.0-INRIA-2004 CC-BY-SA-1.0 CC-BY-SA-2.0
		CC-BY-SA-2.0-UK CC-BY-SA-2.1-JP CC-BY-SA-2.5 CC-BY-SA-3.0 CC-BY-SA-3.0-AT
		CC-BY-SA-3.0-DE CC-BY-SA-3.0-IGO CC-BY-SA-4.0 CC-SA-1.0 GFDL-1.1
		GFDL-1.1-only GFDL-1.1-or-later GFDL-1.1-invariants-only
		GFDL-1.1-invariants-or-later GFDL-1.1-no-invariants-only
		GFDL-1.1-no-invariants-or-later GFDL-1.2 GFDL-1.2-only GFDL-1.2-or-later
		GFDL-1.2-invariants-only GFDL-1.2-invariants-or-later
		GFDL-1.2-no-invariants-only GFDL-1.2-no-invariants-or-later GFDL-1.3
		GFDL-1.3-only GFDL-1.3-or-later GFDL-1.3-invariants-only
		GFDL-1.3-invariants-or-later GFDL-1.3-no-invariants-only
		GFDL-1.3-no-invariants-or-later copyleft-next-0.3.0 copyleft-next-0.3.1
		CERN-OHL-S-2.0 CERN-OHL-1.1 CERN-OHL-1.2 TAPR-OHL-1.0 D-FSL-1.0
		SimPL-2.0 NGPL LAL-1.2 LAL-1.3 LiLiQ-Rplus-1.1 Parity-6.0.0
		Parity-7.0.0 BSD-Protection SMAIL-GPL ESA-PL-strong-copyleft-2.4
		TGPPL-1.0 UCL-1.0 TOSL VOSTROM`,

	"network-copyleft": `
		AGPL-1.0 AGPL-1.0-only AGPL-1.0-or-later AGPL-3.0 AGPL-3.0-only
		AGPL-3.0-or-later SSPL-1.0 CPAL-1.0 RPL-1.1 RPL-1.5 RPSL-1.0 CAL-1.0`,

	"non-commercial": `
		CC-BY-NC-1.0 CC-BY-NC-2.0 CC-BY-NC-2.5 CC-BY-NC-3.0 CC-BY-NC-3.0-DE
		CC-BY-NC-3.0-IGO CC-BY-NC-4.0 CC-BY-NC-ND-1.0 CC-BY-NC-ND-2.0
		CC-BY-NC-ND-2.5 CC-BY-NC-ND-3.0 CC-BY-NC-ND-3.0-DE CC-BY-NC-ND-3.0-IGO
		CC-BY-NC-ND-4.0 CC-BY-NC-SA-1.0 CC-BY-NC-SA-2.0 CC-BY-NC-SA-2.0-DE
		CC-BY-NC-SA-2.0-FR CC-BY-NC-SA-2.0-UK CC-BY-NC-SA-2.5 CC-BY-NC-SA-3.0
		CC-BY-NC-SA-3.0-DE CC-BY-NC-SA-3.0-IGO CC-BY-NC-SA-4.0
		PolyForm-Noncommercial-1.0.0 NCGL-UK-2.0 Aladdin PPL`,

	"proprietary": `
		BUSL-1.1 Elastic-2.0 FSL-1.1-ALv2 FSL-1.1-MIT SUL-1.0
		PolyForm-Small-Business-1.0.0 CC-BY-ND-1.0 CC-BY-ND-2.0 CC-BY-ND-2.5
		CC-BY-ND-3.0 CC-BY-ND-3.0-DE CC-BY-ND-4.0 Hippocratic-2.1
		Hippocratic-3.0-core JSON BSD-3-Clause-No-Nuclear-License
		BSD-3-Clause-No-Nuclear-License-2014 BSD-3-Clause-No-Military-License
		BSD-3-Clause-OpenWebUI MS-LPL CPOL-1.02 UnRAR Glide SCEA
		IEC-Code-Components-EULA`,
}

// reach is how far the copyleft of the weak and strong ids reaches, where
// it is not the default of the category (file for weak, program for
// strong).
var reach = map[string]string{
	"library": `
		LGPL-2.0 LGPL-2.0+ LGPL-2.0-only LGPL-2.0-or-later LGPL-2.1 LGPL-2.1+
		LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0 LGPL-3.0+ LGPL-3.0-only
		LGPL-3.0-or-later LGPLLR CECILL-C OCCT-PL ODbL-1.0 CDLA-Sharing-1.0
		LiLiQ-R-1.1 CERN-OHL-W-2.0 ESA-PL-weak-copyleft-2.4 Vim eCos-2.0
		wxWindows GPL-2.0-with-classpath-exception GPL-2.0-with-GCC-exception
		GPL-3.0-with-GCC-exception CAL-1.0-Combined-Work-Exception`,
}

// patentGrant lists the licenses that grant the contributors' patents in
// so many words (choosealicense's patent-use permission adds the ones it
// knows).
var patentGrant = `
	Apache-2.0 ECL-2.0 BSD-2-Clause-Patent UPL-1.0 MS-PL MS-RL EPL-1.0 EPL-2.0
	MPL-2.0 MPL-2.0-no-copyleft-exception CDDL-1.0 CDDL-1.1 CPL-1.0 IPL-1.0
	APSL-2.0 OSL-3.0 NPOSL-3.0 AFL-3.0 Artistic-2.0 GPL-3.0 GPL-3.0+
	GPL-3.0-only GPL-3.0-or-later LGPL-3.0 LGPL-3.0+ LGPL-3.0-only
	LGPL-3.0-or-later AGPL-3.0 AGPL-3.0-only AGPL-3.0-or-later EUPL-1.1
	EUPL-1.2 BlueOak-1.0.0 MulanPSL-2.0 Parity-7.0.0 PolyForm-Noncommercial-1.0.0
	PolyForm-Small-Business-1.0.0 CECILL-2.1 Pixar ImageMagick SHL-0.51
	CERN-OHL-P-2.0 CERN-OHL-W-2.0 CERN-OHL-S-2.0 CAL-1.0
	CAL-1.0-Combined-Work-Exception copyleft-next-0.3.1 OSET-PL-2.1`

// gpl says how code under a license may be combined into a work under the
// GNU GPL, after the FSF's license list: "v2+v3" (both versions), "v2",
// "v3" or "no". Permissive and public-domain ids not named here are
// "v2+v3"; other ids not named here are unknown.
var gpl = map[string]string{
	"v2+v3": `
		GPL-2.0-or-later GPL-2.0+ GPL-1.0-or-later GPL-1.0+ LGPL-2.0 LGPL-2.0+
		LGPL-2.0-only LGPL-2.0-or-later LGPL-2.1 LGPL-2.1+ LGPL-2.1-only
		LGPL-2.1-or-later MPL-2.0 EUPL-1.2 CECILL-2.0 CECILL-2.1 Sleepycat
		eCos-2.0 wxWindows GPL-2.0-with-bison-exception Vim`,
	"v2": `
		GPL-2.0 GPL-2.0-only GPL-2.0-with-classpath-exception
		GPL-2.0-with-GCC-exception GPL-2.0-with-font-exception
		GPL-2.0-with-autoconf-exception`,
	"v3": `
		Apache-2.0 ECL-2.0 FTL GPL-3.0 GPL-3.0+ GPL-3.0-only GPL-3.0-or-later
		LGPL-3.0 LGPL-3.0+ LGPL-3.0-only LGPL-3.0-or-later AGPL-3.0
		AGPL-3.0-only AGPL-3.0-or-later CC-BY-SA-4.0 GPL-3.0-with-GCC-exception
		GPL-3.0-with-autoconf-exception`,
	"no": `
		Apache-1.0 Apache-1.1 BSD-4-Clause BSD-4-Clause-UC BSD-4-Clause-Shortened
		BSD-Advertising-Acknowledgement OpenSSL OpenSSL-standalone
		SSLeay-standalone PHP-3.0 PHP-3.01 Zend-2.0 CNRI-Python AFL-1.1 AFL-1.2
		AFL-2.0 AFL-2.1 AFL-3.0 MS-PL MS-RL CPL-1.0 EPL-1.0 IPL-1.0 CDDL-1.0
		CDDL-1.1 MPL-1.0 MPL-1.1 MPL-2.0-no-copyleft-exception APSL-1.0 APSL-1.1
		APSL-1.2 APSL-2.0 OSL-1.0 OSL-1.1 OSL-2.0 OSL-2.1 OSL-3.0 NPOSL-3.0
		QPL-1.0 QPL-1.0-INRIA-2004 EUPL-1.0 EUPL-1.1 Artistic-1.0
		Artistic-1.0-cl8 Artistic-1.0-Perl ErlPL-1.1 SPL-1.0 NPL-1.0 NPL-1.1
		Nokia SISSL SISSL-1.2 RPSL-1.0 xinetd gnuplot JSON BitTorrent-1.0
		BitTorrent-1.1 LPPL-1.2 LPPL-1.3a OFL-1.0 OFL-1.1 NASA-1.3 ZPL-1.1
		GPL-1.0 GPL-1.0-only AGPL-1.0 AGPL-1.0-only AGPL-1.0-or-later SSPL-1.0
		CPAL-1.0 RPL-1.1 RPL-1.5 FDK-AAC`,
}

// replacedBy maps the deprecated SPDX ids to what replaces them.
var replacedBy = map[string]string{
	"AGPL-1.0":                         "AGPL-1.0-only",
	"AGPL-3.0":                         "AGPL-3.0-only",
	"BSD-2-Clause-FreeBSD":             "BSD-2-Clause-Views",
	"BSD-2-Clause-NetBSD":              "BSD-2-Clause",
	"bzip2-1.0.5":                      "bzip2-1.0.6",
	"eCos-2.0":                         "GPL-2.0-or-later WITH eCos-exception-2.0",
	"GFDL-1.1":                         "GFDL-1.1-only",
	"GFDL-1.2":                         "GFDL-1.2-only",
	"GFDL-1.3":                         "GFDL-1.3-only",
	"GPL-1.0":                          "GPL-1.0-only",
	"GPL-1.0+":                         "GPL-1.0-or-later",
	"GPL-2.0":                          "GPL-2.0-only",
	"GPL-2.0+":                         "GPL-2.0-or-later",
	"GPL-2.0-with-autoconf-exception":  "GPL-2.0-only WITH Autoconf-exception-2.0",
	"GPL-2.0-with-bison-exception":     "GPL-2.0-or-later WITH Bison-exception-2.2",
	"GPL-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
	"GPL-2.0-with-font-exception":      "GPL-2.0-only WITH Font-exception-2.0",
	"GPL-2.0-with-GCC-exception":       "GPL-2.0-only WITH GCC-exception-2.0",
	"GPL-3.0":                          "GPL-3.0-only",
	"GPL-3.0+":                         "GPL-3.0-or-later",
	"GPL-3.0-with-autoconf-exception":  "GPL-3.0-only WITH Autoconf-exception-3.0",
	"GPL-3.0-with-GCC-exception":       "GPL-3.0-only WITH GCC-exception-3.1",
	"LGPL-2.0":                         "LGPL-2.0-only",
	"LGPL-2.0+":                        "LGPL-2.0-or-later",
	"LGPL-2.1":                         "LGPL-2.1-only",
	"LGPL-2.1+":                        "LGPL-2.1-or-later",
	"LGPL-3.0":                         "LGPL-3.0-only",
	"LGPL-3.0+":                        "LGPL-3.0-or-later",
	"Net-SNMP":                         "MIT-CMU AND BSD-3-Clause",
	"Nunit":                            "zlib-acknowledgement",
	"StandardML-NJ":                    "SMLNJ",
	"wxWindows":                        "LGPL-2.0-or-later WITH WxWindows-exception-3.1",
}

// exceptionEffect sorts the SPDX exceptions by what they change for a
// user of the code (see knowledge.Effect). Exceptions not named are
// "other".
var exceptionEffect = map[string]string{
	"linking": `
		389-exception CGAL-linking-exception Classpath-exception-2.0
		Classpath-exception-2.0-short CLISP-exception-2.0
		Digia-Qt-LGPL-exception-1.1 DigiRule-FOSS-exception eCos-exception-2.0
		erlang-otp-linking-exception Fawkes-Runtime-exception FLTK-exception
		freertos-exception-2.0 GCC-exception-2.0 GCC-exception-2.0-note
		GCC-exception-3.1 GNAT-exception GNU-compiler-exception
		gnu-javamail-exception GPL-3.0-389-ds-base-exception
		GPL-3.0-interface-exception GPL-3.0-linking-exception
		GPL-3.0-linking-source-exception GStreamer-exception-2005
		GStreamer-exception-2008 harbour-exception i2p-gpl-java-exception
		Independent-modules-exception LGPL-3.0-linking-exception
		libpri-OpenH323-exception Linux-syscall-note LLGPL LLVM-exception
		mif-exception mxml-exception Nokia-Qt-exception-1.1
		OCaml-LGPL-linking-exception OCCT-exception-1.0
		OpenJDK-assembly-exception-1.0 PCRE2-exception polyparse-exception
		Qt-GPL-exception-1.0 Qt-LGPL-exception-1.1 Qwt-exception-1.0
		romic-exception RRDtool-FLOSS-exception-2.0 rsync-linking-exception
		SANE-exception Simple-Library-Usage-exception
		Spelling-Provider-LGPL-exception SWI-exception Swift-exception
		u-boot-exception-2.0 Universal-FOSS-exception-1.0
		WxWindows-exception-3.1 Asterisk-linking-protocols-exception
		Bootloader-exception UBDL-exception`,
	"output": `
		Autoconf-exception-2.0 Autoconf-exception-3.0 Autoconf-exception-generic
		Autoconf-exception-generic-3.0 Autoconf-exception-macro
		Bison-exception-1.24 Bison-exception-2.2 Font-exception-2.0
		fmt-exception Gmsh-exception GNOME-examples-exception
		KiCad-libraries-exception Libtool-exception LZMA-exception
		PS-or-PDF-font-exception-20170817 Texinfo-exception`,
}

// noAttribution lists permissive and public-domain licenses that ask for
// nothing, not even a notice.
var noAttribution = `
	0BSD MIT-0 WTFPL WTFNMFPL CC0-1.0 Unlicense Unlicense-libtelnet
	Unlicense-libwhirlpool PDDL-1.0 CC-PDDC CC-PDM-1.0 SAX-PD SAX-PD-2.0
	NIST-PD NIST-PD-fallback NIST-PD-TNT NTIA-PD NCBI-PD ANTLR-PD
	ANTLR-PD-fallback libselinux-1.0 blessing LZMA-SDK-9.11-to-9.20
	LZMA-SDK-9.22 DL-DE-ZERO-2.0 FSFAP FSFAP-no-warranty-disclaimer FSFULLR
	FSFULLRWD Bugroff`

// stateChanges lists licenses that ask modified files to say so, beyond
// those choosealicense already marks with document-changes.
var stateChanges = `
	Apache-1.0 Apache-1.1 ECL-1.0 CC-BY-1.0 CC-BY-2.0 CC-BY-2.5 CC-BY-2.5-AU
	CC-BY-3.0 CC-BY-3.0-AT CC-BY-3.0-AU CC-BY-3.0-DE CC-BY-3.0-IGO
	CC-BY-3.0-NL CC-BY-3.0-US Artistic-1.0 Artistic-1.0-cl8 Artistic-1.0-Perl
	ClArtistic zlib-acknowledgement Nunit gnuplot Knuth-CTAN LPPL-1.0 LPPL-1.1
	LPPL-1.2 LPPL-1.3a Python-2.0 Python-2.0.1 PSF-2.0 MPL-1.0 MPL-1.1
	NPL-1.0 NPL-1.1 CDDL-1.0 CDDL-1.1 EUPL-1.0 OSL-1.0 OSL-1.1 OSL-2.0 OSL-2.1
	NPOSL-3.0 CC-BY-SA-1.0 CC-BY-SA-2.0 CC-BY-SA-2.0-UK CC-BY-SA-2.1-JP
	CC-BY-SA-2.5 CC-BY-SA-3.0 CC-BY-SA-3.0-AT CC-BY-SA-3.0-DE
	CC-BY-SA-3.0-IGO GFDL-1.1 GFDL-1.2 GFDL-1.3`

// networkClause lists copyleft licenses outside the network-copyleft
// category whose terms still reach users over a network (choosealicense
// adds EUPL and OSL-3.0).
var networkClause = `OSL-2.0 OSL-2.1 NPOSL-3.0 TGPPL-1.0 EUPL-1.0`
