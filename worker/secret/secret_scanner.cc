#include "worker/secret/secret_scanner.h"

#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/digest.h"

namespace strata::worker {
namespace {

constexpr std::size_t kMaxMatchesPerRule = 100;

std::unique_ptr<RE2> compile_re2(const std::string& pattern, std::string* error) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);  // rules with long bounded repeats build large automata
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  return re;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct CompiledAllowlist {
  SecretAllowlist::Target target = SecretAllowlist::Target::kSecret;
  bool require_all = false;
  std::vector<std::unique_ptr<RE2>> regexes;
  std::vector<std::unique_ptr<RE2>> paths;
  std::vector<std::string> stopwords;

  bool path_only() const { return !paths.empty() && regexes.empty() && stopwords.empty(); }

  bool path_matches(std::string_view path) const {
    return std::any_of(paths.begin(), paths.end(), [&](const auto& re) { return RE2::PartialMatch(path, *re); });
  }

  bool allows(std::string_view path, std::string_view secret, std::string_view match, std::string_view line) const {
    std::vector<bool> results;
    if (!paths.empty()) results.push_back(path_matches(path));
    if (!regexes.empty()) {
      const std::string_view target_text = target == SecretAllowlist::Target::kMatch ? match
                                           : target == SecretAllowlist::Target::kLine ? line
                                                                                      : secret;
      results.push_back(std::any_of(regexes.begin(), regexes.end(),
                                    [&](const auto& re) { return RE2::PartialMatch(target_text, *re); }));
    }
    if (!stopwords.empty()) {
      const std::string lowered = lower(secret);
      results.push_back(std::any_of(stopwords.begin(), stopwords.end(),
                                    [&](const std::string& w) { return lowered.find(w) != std::string::npos; }));
    }
    if (results.empty()) return false;
    return require_all ? std::all_of(results.begin(), results.end(), [](bool b) { return b; })
                       : std::any_of(results.begin(), results.end(), [](bool b) { return b; });
  }
};

struct CompiledRule {
  SecretRule rule;
  std::unique_ptr<RE2> regex;
  std::unique_ptr<RE2> path;
  std::vector<CompiledAllowlist> allowlists;
  int group = 0;  // the capture group holding the secret (0: the first non-empty one, else the match)
};

Result<CompiledAllowlist> compile_allowlist(const SecretAllowlist& a) {
  CompiledAllowlist out;
  out.target = a.target;
  out.require_all = a.require_all;
  out.stopwords = a.stopwords;
  std::string error;
  for (const auto& r : a.regexes) {
    auto re = compile_re2(r, &error);
    if (!re) return fail(ErrorCode::kInvalidInput, "allowlist regex '" + r + "': " + error);
    out.regexes.push_back(std::move(re));
  }
  for (const auto& p : a.paths) {
    auto re = compile_re2(p, &error);
    if (!re) return fail(ErrorCode::kInvalidInput, "allowlist path '" + p + "': " + error);
    out.paths.push_back(std::move(re));
  }
  return out;
}

struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  ~ThreadScratch() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
};

int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long /*to*/, unsigned int /*flags*/,
             void* context) {
  static_cast<std::vector<char>*>(context)->at(id) = 1;
  return 0;
}

std::string_view line_around(std::string_view text, std::size_t at) {
  const auto begin = text.rfind('\n', at == 0 ? 0 : at - 1);
  const std::size_t start = begin == std::string_view::npos || at == 0 ? 0 : begin + 1;
  const auto end = text.find('\n', at);
  return text.substr(start, (end == std::string_view::npos ? text.size() : end) - start);
}

std::string fingerprint_of(std::string_view rule_id, std::string_view secret) {
  std::string material(rule_id);
  material += '\0';
  material += secret;
  return Sha256::of(as_bytes(material)).to_string().substr(7);
}

}  // namespace

double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0;
  std::size_t counts[256] = {};
  for (const char c : s) ++counts[static_cast<unsigned char>(c)];
  double h = 0;
  for (const std::size_t n : counts) {
    if (n == 0) continue;
    const double p = static_cast<double>(n) / static_cast<double>(s.size());
    h -= p * std::log2(p);
  }
  return h;
}

std::string redact_secret(std::string_view secret) {
  const std::size_t keep = secret.size() >= 16 ? 4 : secret.size() / 4;
  return std::string(secret.substr(0, keep)) + "****";
}

struct SecretScanner::Impl {
  std::vector<CompiledRule> rules;
  std::vector<CompiledAllowlist> global;
  hs_database_t* database = nullptr;
  std::vector<std::size_t> hs_rules;     // Hyperscan expression id → rule index
  std::vector<std::size_t> unfiltered;   // rules with a regex Hyperscan did not take
  std::vector<std::size_t> path_rules;   // rules about the path alone

  ~Impl() {
    if (database != nullptr) hs_free_database(database);
  }
};

SecretScanner::SecretScanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SecretScanner::~SecretScanner() = default;

std::size_t SecretScanner::rule_count() const { return impl_->rules.size(); }

Result<std::shared_ptr<const SecretScanner>> SecretScanner::compile(const SecretRuleSet& set) {
  auto impl = std::make_unique<Impl>();
  std::vector<std::string> skipped = set.skipped;
  for (const auto& a : set.allowlists) {
    auto compiled = compile_allowlist(a);
    if (!compiled) return fail(compiled.error().code(), "global allowlist: " + compiled.error().message());
    impl->global.push_back(std::move(*compiled));
  }
  std::string material;  // everything that decides findings, for the fingerprint
  for (const auto& a : set.allowlists) {
    for (const auto& r : a.regexes) material += r + '\x1f';
    for (const auto& p : a.paths) material += p + '\x1f';
    for (const auto& w : a.stopwords) material += w + '\x1f';
  }
  for (const SecretRule& rule : set.rules) {
    CompiledRule c;
    c.rule = rule;
    std::string error;
    if (!rule.regex.empty() && !(c.regex = compile_re2(rule.regex, &error))) {
      skipped.push_back(rule.id + ": regex not accepted by RE2: " + error);
      continue;
    }
    if (!rule.path.empty() && !(c.path = compile_re2(rule.path, &error))) {
      skipped.push_back(rule.id + ": path not accepted by RE2: " + error);
      continue;
    }
    bool bad_allowlist = false;
    for (const auto& a : rule.allowlists) {
      auto compiled = compile_allowlist(a);
      if (!compiled) {
        skipped.push_back(rule.id + ": " + compiled.error().message());
        bad_allowlist = true;
        break;
      }
      c.allowlists.push_back(std::move(*compiled));
    }
    if (bad_allowlist) continue;
    if (c.regex) {
      const int groups = c.regex->NumberOfCapturingGroups();
      if (rule.secret_group > groups) {
        skipped.push_back(rule.id + ": secretGroup " + std::to_string(rule.secret_group) + " but the regex has " +
                          std::to_string(groups) + " groups");
        continue;
      }
      c.group = rule.secret_group;  // 0: the first group that took part in the match, as gitleaks
    }
    material += rule.id + '\x1f' + rule.regex + '\x1f' + rule.path + '\x1f' + std::to_string(rule.entropy) + '\x1f' +
                std::to_string(c.group) + '\x1f' + rule.severity + '\x1f';
    for (const auto& k : rule.keywords) material += k + ',';
    for (const auto& a : rule.allowlists) {
      for (const auto& r : a.regexes) material += r + '\x1e';
      for (const auto& p : a.paths) material += p + '\x1e';
      for (const auto& w : a.stopwords) material += w + '\x1e';
    }
    impl->rules.push_back(std::move(c));
  }
  // One Hyperscan database for every rule with a regex; an expression it refuses is dropped from
  // it (that rule runs on RE2 alone) and the rest compiled again.
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < impl->rules.size(); ++i) {
    if (impl->rules[i].regex) {
      candidates.push_back(i);
    } else {
      impl->path_rules.push_back(i);
    }
  }
  while (!candidates.empty()) {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags, ids;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      expressions.push_back(impl->rules[candidates[k]].rule.regex.c_str());
      flags.push_back(HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH);
      ids.push_back(static_cast<unsigned>(k));
    }
    hs_compile_error_t* error = nullptr;
    hs_database_t* db = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                         HS_MODE_BLOCK, nullptr, &db, &error) == HS_SUCCESS) {
      impl->database = db;
      impl->hs_rules = candidates;
      break;
    }
    const int bad = error != nullptr ? error->expression : -1;
    hs_free_compile_error(error);
    if (bad < 0 || static_cast<std::size_t>(bad) >= candidates.size()) {
      // Not one expression's fault (e.g. the whole set too large): everything on RE2.
      impl->unfiltered.insert(impl->unfiltered.end(), candidates.begin(), candidates.end());
      break;
    }
    impl->unfiltered.push_back(candidates[static_cast<std::size_t>(bad)]);
    candidates.erase(candidates.begin() + bad);
  }
  auto scanner = std::shared_ptr<SecretScanner>(new SecretScanner(std::move(impl)));
  scanner->skipped_ = std::move(skipped);
  std::uint32_t h = 2166136261u;
  for (const char ch : material) {
    h ^= static_cast<unsigned char>(ch);
    h *= 16777619u;
  }
  scanner->fingerprint_ = h;
  return std::shared_ptr<const SecretScanner>(std::move(scanner));
}

bool SecretScanner::skips_path(std::string_view path) const {
  return std::any_of(impl_->global.begin(), impl_->global.end(),
                     [&](const CompiledAllowlist& a) { return a.path_only() && a.path_matches(path); });
}

std::vector<SecretHit> SecretScanner::scan(std::string_view path, std::string_view text) const {
  std::vector<SecretHit> hits;
  if (skips_path(path)) return hits;
  std::vector<std::size_t> candidates = impl_->unfiltered;
  if (impl_->database != nullptr && !text.empty()) {
    thread_local ThreadScratch scratch;
    if (hs_alloc_scratch(impl_->database, &scratch.scratch) == HS_SUCCESS) {
      std::vector<char> matched(impl_->hs_rules.size(), 0);
      for (std::size_t at = 0; at < text.size();) {
        // hs_scan takes a 32-bit length; entries are capped far below that, but stay correct.
        const std::size_t n = std::min<std::size_t>(text.size() - at, 1u << 30);
        hs_scan(impl_->database, text.data() + at, static_cast<unsigned>(n), 0, scratch.scratch, on_match, &matched);
        at += n;
      }
      for (std::size_t k = 0; k < matched.size(); ++k) {
        if (matched[k]) candidates.push_back(impl_->hs_rules[k]);
      }
    } else {
      candidates.insert(candidates.end(), impl_->hs_rules.begin(), impl_->hs_rules.end());
    }
  }
  std::string lowered;
  bool have_lowered = false;
  auto allowed = [&](const CompiledRule& c, std::string_view secret, std::string_view match, std::string_view line) {
    for (const auto& a : impl_->global) {
      if (a.allows(path, secret, match, line)) return true;
    }
    for (const auto& a : c.allowlists) {
      if (a.allows(path, secret, match, line)) return true;
    }
    return false;
  };
  for (const std::size_t i : impl_->path_rules) {
    const CompiledRule& c = impl_->rules[i];
    if (!RE2::PartialMatch(path, *c.path) || allowed(c, "", "", "")) continue;
    hits.push_back({c.rule.id, c.rule.description, c.rule.severity, 0, "", fingerprint_of(c.rule.id, path)});
  }
  std::sort(candidates.begin(), candidates.end());
  for (const std::size_t i : candidates) {
    const CompiledRule& c = impl_->rules[i];
    if (c.path && !RE2::PartialMatch(path, *c.path)) continue;
    if (!c.rule.keywords.empty()) {
      if (!have_lowered) {
        lowered = lower(text);
        have_lowered = true;
      }
      const bool any = std::any_of(c.rule.keywords.begin(), c.rule.keywords.end(),
                                   [&](const std::string& k) { return lowered.find(k) != std::string::npos; });
      if (!any) continue;
    }
    const int ngroups = c.regex->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> groups(static_cast<std::size_t>(ngroups));
    std::set<std::pair<std::uint32_t, std::string>> seen;
    std::size_t pos = 0, found = 0;
    const re2::StringPiece input(text.data(), text.size());
    while (pos <= text.size() && found < kMaxMatchesPerRule &&
           c.regex->Match(input, pos, text.size(), RE2::UNANCHORED, groups.data(), ngroups)) {
      const re2::StringPiece whole = groups[0];
      const std::size_t start = static_cast<std::size_t>(whole.data() - text.data());
      pos = start + std::max<std::size_t>(whole.size(), 1);
      re2::StringPiece group = groups[static_cast<std::size_t>(c.group)];
      if (c.group == 0) {
        for (int g = 1; g < ngroups; ++g) {
          if (!groups[static_cast<std::size_t>(g)].empty()) {
            group = groups[static_cast<std::size_t>(g)];
            break;
          }
        }
      }
      const std::string_view secret = group.data() != nullptr ? std::string_view(group.data(), group.size())
                                                               : std::string_view(whole.data(), whole.size());
      if (secret.empty()) continue;
      if (c.rule.entropy > 0 && shannon_entropy(secret) < c.rule.entropy) continue;
      const std::string_view match(whole.data(), whole.size());
      const std::size_t secret_at = static_cast<std::size_t>(secret.data() - text.data());
      if (allowed(c, secret, match, line_around(text, secret_at))) continue;
      const auto line = static_cast<std::uint32_t>(1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(secret_at), '\n'));
      std::string print = fingerprint_of(c.rule.id, secret);
      if (!seen.emplace(line, print).second) continue;
      ++found;
      hits.push_back({c.rule.id, c.rule.description, c.rule.severity, line, redact_secret(secret), std::move(print)});
    }
  }
  std::sort(hits.begin(), hits.end(), [](const SecretHit& a, const SecretHit& b) {
    return std::tie(a.line, a.rule_id, a.fingerprint) < std::tie(b.line, b.rule_id, b.fingerprint);
  });
  return hits;
}

}  // namespace strata::worker
