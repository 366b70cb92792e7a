// Secret-detection rules as data, in the TOML format gitleaks uses: [[rules]] with id,
// description, regex (RE2 syntax), keywords, entropy, secretGroup, path, and allowlists; a
// global [allowlist] (or [[allowlists]]). strata adds an optional `severity` per rule. The
// defaults are built in (default_rules.cc); --secret-config FILE replaces them, or extends them
// when the file says [extend] useDefault = true (a rule with a default's id replaces it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace strata::worker {

struct SecretAllowlist {
  enum class Target { kSecret, kMatch, kLine };
  Target target = Target::kSecret;  // what `regexes` are matched against
  bool require_all = false;         // condition = "AND": every kind of check given must hold
  std::vector<std::string> regexes{};
  std::vector<std::string> paths{};
  std::vector<std::string> stopwords{};  // lower case; a secret containing one is allowed
  bool operator==(const SecretAllowlist&) const = default;
};

struct SecretRule {
  std::string id{};
  std::string description{};
  std::string regex{};                  // empty: a rule about the file's path alone
  std::string path{};                   // RE2 on the path; empty: every file
  std::vector<std::string> keywords{};  // lower case; the rule applies only where one occurs
  double entropy = 0;                 // minimum Shannon entropy (bits per byte) of the secret
  int secret_group = 0;               // 0: the first capture group that matched, else the match
  std::string severity = "HIGH";
  std::vector<SecretAllowlist> allowlists{};
  bool operator==(const SecretRule&) const = default;
};

struct SecretRuleSet {
  std::vector<SecretRule> rules;
  std::vector<SecretAllowlist> allowlists;  // apply to every rule
  std::vector<std::string> skipped;         // rules not loaded, each naming the rule and why
};

// Parses one rules file. The file as a whole failing to parse is an error naming `source`;
// a rule without an id, or without both regex and path, is skipped and named.
Result<SecretRuleSet> parse_secret_rules(std::string_view toml, std::string_view source);

// strata's built-in rules.
const SecretRuleSet& default_secret_rules();

// --secret-config: the file's rules alone, or the defaults extended by them.
Result<SecretRuleSet> load_secret_rules(const std::string& path);

// A rules file's text as a rule set, as load_secret_rules reads it: the defaults extended by it
// when it says [extend] useDefault = true, else its rules alone.
Result<SecretRuleSet> secret_rules_from_text(std::string_view toml, std::string_view source);

// The SHA-256 (hex) of a rules file's text: what names a tenant's rule set in job keys and layer
// cache keys, so that layers scanned with other rules are never shared.
std::string secret_rules_digest(std::string_view toml);

}  // namespace strata::worker
