// Package policy turns an inventory into license decisions: it reads the
// organisation's policy file (.ospo.yaml) and decides, for every
// component, allow, review or deny, with the rule that decided and a
// sentence a developer understands.
//
// # The policy file
//
// docs/policy.example.yaml is the commented reference. In short:
//
//	project:    {distribution: internal|saas|distributed|library, license: <SPDX expression>, owner: <who>}
//	licenses:   {allow: [...], review: [...], deny: [...]}   # ids, id-or-later, id WITH exception, LicenseRef-*, category:NAME
//	categories: {permissive: allow, strong-copyleft: review, ...}
//	exceptions: [{package, versions, decision, reason, owner, ticket, expires}]
//	contribute: {licenses: [...], clas: [...], dco: allow}
//
// Load is strict: an unknown field, an id that is not SPDX, a bad verdict,
// category, date or version range is an error naming the file and line.
// Unknown licenses can never be allowed by a rule; only a per-package
// exception can let such a package through.
//
// # How one component is decided
//
// Evaluate is pure. For each component:
//
//  1. No license (NOASSERTION, empty) or NONE → review; a license text
//     that is not an SPDX expression → review. Under --allow-only all
//     three are denied.
//  2. Otherwise the expression is parsed and judged with SPDX semantics:
//     AND takes the worst of its terms (every term must be allowed); OR
//     takes the best branch, the first in expression order among equals,
//     and records it as the choice ("MIT" for "MIT OR GPL-3.0-only").
//     Deprecated ids are read as their replacement (GPL-2.0+ is
//     GPL-2.0-or-later, GPL-2.0-with-classpath-exception is GPL-2.0-only
//     WITH Classpath-exception-2.0).
//  3. A term under -or-later ("+") may be used under its own version or
//     any later one the SPDX list knows, so it is judged as the best of
//     those versions: GPL-2.0-or-later is allowed by "allow: GPL-3.0-only"
//     and is denied only if every version is.
//  4. One license at one version is judged by, in order: --fail-on (deny
//     when listed); --allow-only (allow when listed, deny otherwise; it
//     replaces the policy's lists and categories for the run); the
//     policy's licenses lists by id; the policy's categories (from
//     categories: or category: entries); the defaults of DefaultVerdict
//     for the distribution model. An exception after WITH is part of the
//     id a rule must name, except that an allowed bare license also allows
//     it WITH any exception (exceptions only add permissions); without a
//     rule, the exception may lessen the category (GPL-2.0-only WITH
//     Classpath-exception-2.0 is a weak copyleft, see knowledge.With).
//  5. When the project's own license is set, every license must also be
//     compatible with it under the distribution model
//     (knowledge.Compatible); an incompatible one is denied. With several
//     outbound licenses (MIT OR Apache-2.0), each must be compatible.
//  6. A component whose license is marked NeedsReview is at least review.
//  7. Finally the first policy exception (in file order) that names the
//     package and version and has not expired decides, whatever came
//     before. Expired exceptions no longer apply and the decision says so;
//     Result lists exceptions that matched nothing and those that expired.
//
// When neither the policy nor the context names a distribution model,
// distributed is assumed, the most demanding, and the rule says so.
//
// Sources of the license knowledge behind the categories and the
// compatibility rules: see package knowledge and its CREDITS.md.
package policy
