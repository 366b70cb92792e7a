#include "worker/api/secret_rules.h"

#include "common/digest.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace strata::worker {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> strings(const toml::node_view<const toml::node>& node, bool to_lower = false) {
  std::vector<std::string> out;
  if (const toml::array* a = node.as_array()) {
    for (const auto& item : *a) {
      if (auto s = item.value<std::string>()) out.push_back(to_lower ? lower(*s) : *s);
    }
  }
  return out;
}

SecretAllowlist allowlist_of(const toml::table& t) {
  SecretAllowlist a;
  const std::string target = t["regexTarget"].value_or(std::string("secret"));
  a.target = target == "match" ? SecretAllowlist::Target::kMatch
             : target == "line" ? SecretAllowlist::Target::kLine
                                : SecretAllowlist::Target::kSecret;
  a.require_all = t["condition"].value_or(std::string("OR")) == "AND";
  a.regexes = strings(t["regexes"]);
  a.paths = strings(t["paths"]);
  a.stopwords = strings(t["stopwords"], /*to_lower=*/true);
  return a;
}

// Both spellings: the single table `allowlist` and the array of tables `allowlists`.
std::vector<SecretAllowlist> allowlists_of(const toml::table& t) {
  std::vector<SecretAllowlist> out;
  if (const toml::table* one = t["allowlist"].as_table()) out.push_back(allowlist_of(*one));
  if (const toml::array* many = t["allowlists"].as_array()) {
    for (const auto& item : *many) {
      if (const toml::table* a = item.as_table()) out.push_back(allowlist_of(*a));
    }
  }
  return out;
}

}  // namespace

Result<SecretRuleSet> parse_secret_rules(std::string_view text, std::string_view source) {
  toml::table doc;
  try {
    doc = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::kInvalidInput, std::string(source) + ":" + std::to_string(e.source().begin.line) +
                                              ": not valid TOML: " + std::string(e.description()));
  }
  SecretRuleSet set;
  set.allowlists = allowlists_of(doc);
  const toml::array* rules = doc["rules"].as_array();
  if (rules == nullptr) return set;
  std::size_t index = 0;
  for (const auto& node : *rules) {
    ++index;
    const toml::table* t = node.as_table();
    const std::string where = std::string(source) + ": rule #" + std::to_string(index);
    if (t == nullptr) {
      set.skipped.push_back(where + ": not a table");
      continue;
    }
    SecretRule rule;
    rule.id = (*t)["id"].value_or(std::string());
    rule.description = (*t)["description"].value_or(std::string());
    rule.regex = (*t)["regex"].value_or(std::string());
    rule.path = (*t)["path"].value_or(std::string());
    rule.keywords = strings((*t)["keywords"], /*to_lower=*/true);
    rule.entropy = (*t)["entropy"].value_or(0.0);
    rule.secret_group = static_cast<int>((*t)["secretGroup"].value_or(std::int64_t{0}));
    rule.severity = (*t)["severity"].value_or(std::string("HIGH"));
    for (auto& c : rule.severity) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    rule.allowlists = allowlists_of(*t);
    if (rule.id.empty()) {
      set.skipped.push_back(where + ": no id");
      continue;
    }
    if (rule.regex.empty() && rule.path.empty()) {
      set.skipped.push_back(where + " (" + rule.id + "): neither regex nor path");
      continue;
    }
    if (rule.secret_group < 0) {
      set.skipped.push_back(where + " (" + rule.id + "): negative secretGroup");
      continue;
    }
    set.rules.push_back(std::move(rule));
  }
  return set;
}

Result<SecretRuleSet> load_secret_rules(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kNotFound, path + ": cannot read the secret rules file");
  std::ostringstream text;
  text << in.rdbuf();
  return secret_rules_from_text(text.str(), path);
}

Result<SecretRuleSet> secret_rules_from_text(std::string_view toml_text, std::string_view source) {
  auto own = parse_secret_rules(toml_text, source);
  if (!own) return own;
  bool extend = false;
  try {
    extend = toml::parse(toml_text, source)["extend"]["useDefault"].value_or(false);
  } catch (const toml::parse_error& e) {
    // parse_secret_rules read the same text already; this cannot fail unless that one changes.
    return fail(ErrorCode::kInvalidInput, std::string(source) + ": " + std::string(e.description()));
  }
  if (!extend) return own;
  SecretRuleSet merged = default_secret_rules();
  for (auto& rule : own->rules) {
    const auto same = std::find_if(merged.rules.begin(), merged.rules.end(), [&](const SecretRule& r) { return r.id == rule.id; });
    if (same != merged.rules.end()) {
      *same = std::move(rule);
    } else {
      merged.rules.push_back(std::move(rule));
    }
  }
  for (auto& a : own->allowlists) merged.allowlists.push_back(std::move(a));
  for (auto& s : own->skipped) merged.skipped.push_back(std::move(s));
  return merged;
}

std::string secret_rules_digest(std::string_view toml_text) {
  return Sha256::of(std::as_bytes(std::span(toml_text))).hex();
}

}  // namespace strata::worker
