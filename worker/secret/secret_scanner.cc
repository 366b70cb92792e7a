#include "worker/api/secret_scanner.h"

#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/digest.h"

namespace strata::worker {
namespace {

constexpr std::size_t kMaxMatchesPerRule = 100;
// Keywords shorter than this ("sk", "q~") occur everywhere in text (unless they hold
// punctuation, like "://"); a rule with one is probed by its expression instead, which Hyperscan
// rejects far more often.
constexpr std::size_t kMinLiteralProbe = 3;

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

// How far around a probe's hit a match may lie. A keyword sits inside its match; a prefilter
// match ends where the real one does, give or take. Rules that can match long spans (a PEM
// block, a 250-character token) get room for them: a 4096-bit RSA key in PEM is about 3.3 KB.
struct Reach {
  std::size_t behind = 0;
  std::size_t ahead = 0;
  bool within_line = false;  // the match lies on the hit's own line
};
constexpr Reach kNearReach{512, 512, true};
constexpr Reach kLongReach{8192, 8192, false};

// A rule is long when its expression allows unbounded or very long repeats or lets `.` cross lines.
bool is_long_rule(std::string_view regex) {
  if (regex.find("(?s") != std::string_view::npos || regex.find("[\\s\\S]") != std::string_view::npos) return true;
  for (std::size_t at = regex.find('{'); at != std::string_view::npos; at = regex.find('{', at + 1)) {
    const auto close = regex.find('}', at);
    if (close == std::string_view::npos) break;
    const std::string_view body = regex.substr(at + 1, close - at - 1);
    const auto comma = body.find(',');
    if (comma == std::string_view::npos) continue;
    const std::string_view max = body.substr(comma + 1);
    if (max.empty()) return true;  // {N,}
    std::size_t m = 0;
    bool digits = true;
    for (const char c : max) {
      digits = digits && std::isdigit(static_cast<unsigned char>(c));
      m = std::min<std::size_t>(m * 10 + static_cast<std::size_t>(c - '0'), 1u << 20);
    }
    if (digits && m >= 200) {
      return true;  // {N,M} with M ≥ 200
    }
  }
  return false;
}

struct Window {
  std::size_t begin = 0, end = 0;
};

struct CompiledAllowlist {
  SecretAllowlist::Target target = SecretAllowlist::Target::kSecret;
  bool require_all = false;
  std::vector<std::unique_ptr<RE2>> regexes;
  // Every path expression as one alternation: the global list is tried on each entry of every
  // layer, so one automaton rather than one per expression.
  std::unique_ptr<RE2> paths;
  std::vector<std::string> stopwords;

  bool path_only() const { return paths && regexes.empty() && stopwords.empty(); }

  bool path_matches(std::string_view path) const {
    return paths && RE2::PartialMatch(path, *paths);
  }

  bool allows(std::string_view path, std::string_view secret, std::string_view match, std::string_view line) const {
    std::vector<bool> results;
    if (paths) results.push_back(path_matches(path));
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
  Reach reach = kNearReach;
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
  std::string any;
  for (const auto& p : a.paths) {
    // Each alone first, so that an error names the expression at fault.
    if (!compile_re2(p, &error)) return fail(ErrorCode::kInvalidInput, "allowlist path '" + p + "': " + error);
    any += (any.empty() ? "(?:" : "|(?:") + p + ")";
  }
  if (!any.empty() && !(out.paths = compile_re2(any, &error))) {
    return fail(ErrorCode::kInvalidInput, "allowlist paths together: " + error);
  }
  return out;
}

struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  ~ThreadScratch() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
};

// Where each Hyperscan expression's matches end, bounded per expression.
struct MatchEnds {
  std::vector<std::vector<std::size_t>> ends;
};

constexpr std::size_t kMaxEndsPerRule = 4096;

int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/,
             void* context) {
  auto& ends = static_cast<MatchEnds*>(context)->ends[id];
  if (ends.size() < kMaxEndsPerRule) ends.push_back(static_cast<std::size_t>(to));
  return 0;
}

// Line-aligned windows around each reported end, merged where they touch.
std::vector<Window> windows_around(std::string_view text, const std::vector<std::size_t>& ends, Reach reach) {
  std::vector<Window> out;
  for (const std::size_t e : ends) {
    std::size_t begin = e > reach.behind ? e - reach.behind : 0;
    std::size_t end = std::min(text.size(), e + reach.ahead);
    if (reach.within_line) {
      // The hit's own line, bounded: a minified file's one long line does not become the window.
      const auto before = e == 0 ? std::string_view::npos : text.rfind('\n', e - 1);
      if (before != std::string_view::npos) begin = std::max(begin, before + 1);
      // The newline itself stays in: rules end a secret at whitespace or at the end of the text,
      // and RE2 sees the window's end only as the middle of the text.
      const auto after = text.find('\n', e);
      if (after != std::string_view::npos) end = std::min(end, after + 1);
    } else {
      if (begin > 0) {
        const auto nl = text.rfind('\n', begin);
        begin = nl == std::string_view::npos ? 0 : nl + 1;
      }
      const auto nl = text.find('\n', end);
      end = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    if (!out.empty() && begin <= out.back().end) {
      out.back().end = std::max(out.back().end, end);
    } else {
      out.push_back({begin, end});
    }
  }
  return out;
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
  std::vector<std::size_t> hs_rules;     // Hyperscan expression id (a probe) → rule index
  std::vector<std::size_t> unfiltered;   // rules with a regex Hyperscan did not take
  std::vector<std::size_t> path_rules;   // rules about the path alone
  std::vector<std::size_t> path_limited; // rules with a regex that apply to some paths only

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
    if (is_long_rule(rule.regex)) c.reach = kLongReach;
    impl->rules.push_back(std::move(c));
  }
  // One Hyperscan database of probes: a rule with distinctive keywords is probed by them, as
  // caseless literals (the match contains one in practice, and literal search is what Hyperscan
  // does fastest); any other rule by its own expression in prefilter mode. A probe
  // Hyperscan refuses sends its rule to RE2 alone, and the rest is compiled again.
  struct Probe {
    std::string expression;
    unsigned flags = 0;
    std::size_t rule = 0;
  };
  std::vector<Probe> probes;
  for (std::size_t i = 0; i < impl->rules.size(); ++i) {
    const CompiledRule& c = impl->rules[i];
    if (!c.regex) {
      impl->path_rules.push_back(i);
    } else if (c.path) {
      // Only a few files can match; those are read whole by RE2 rather than costing every file a
      // pass through the expression (several such rules have no literal for Hyperscan to seek).
      impl->path_limited.push_back(i);
    } else if (!c.rule.keywords.empty() &&
               std::all_of(c.rule.keywords.begin(), c.rule.keywords.end(),
                           [](const std::string& k) {
                             return k.size() >= kMinLiteralProbe ||
                                    (k.size() >= 3 && std::any_of(k.begin(), k.end(), [](char ch) {
                                       return std::ispunct(static_cast<unsigned char>(ch)) != 0;
                                     }));
                           })) {
      for (const auto& keyword : c.rule.keywords) {
        std::string literal;
        for (const char ch : keyword) {
          static constexpr char kHex[] = "0123456789abcdef";
          const auto u = static_cast<unsigned char>(ch);
          if (std::isalnum(u)) {
            literal += ch;
          } else {
            literal += "\\x";
            literal += kHex[u >> 4];
            literal += kHex[u & 0xf];
          }
        }
        probes.push_back({std::move(literal), HS_FLAG_CASELESS, i});
      }
    } else {
      probes.push_back({c.rule.regex, HS_FLAG_PREFILTER, i});
    }
  }
  while (!probes.empty()) {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags, ids;
    for (std::size_t k = 0; k < probes.size(); ++k) {
      expressions.push_back(probes[k].expression.c_str());
      flags.push_back(probes[k].flags);
      ids.push_back(static_cast<unsigned>(k));
    }
    hs_compile_error_t* error = nullptr;
    hs_database_t* db = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                         HS_MODE_BLOCK, nullptr, &db, &error) == HS_SUCCESS) {
      impl->database = db;
      for (const auto& probe : probes) impl->hs_rules.push_back(probe.rule);
      break;
    }
    const int bad = error != nullptr ? error->expression : -1;
    hs_free_compile_error(error);
    if (bad < 0 || static_cast<std::size_t>(bad) >= probes.size()) {
      // Not one expression's fault (e.g. the whole set too large): everything on RE2.
      for (const auto& probe : probes) impl->unfiltered.push_back(probe.rule);
      break;
    }
    const std::size_t rule = probes[static_cast<std::size_t>(bad)].rule;
    impl->unfiltered.push_back(rule);
    std::erase_if(probes, [&](const Probe& p) { return p.rule == rule; });
  }
  std::sort(impl->unfiltered.begin(), impl->unfiltered.end());
  impl->unfiltered.erase(std::unique(impl->unfiltered.begin(), impl->unfiltered.end()), impl->unfiltered.end());
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
  // Which rules to confirm, and where: the windows around Hyperscan's reported ends, or the
  // whole text for a rule Hyperscan did not take.
  std::vector<std::pair<std::size_t, std::vector<Window>>> work;
  for (const std::size_t i : impl_->unfiltered) work.push_back({i, {Window{0, text.size()}}});
  for (const std::size_t i : impl_->path_limited) {
    if (RE2::PartialMatch(path, *impl_->rules[i].path)) work.push_back({i, {Window{0, text.size()}}});
  }
  if (impl_->database != nullptr && !text.empty()) {
    thread_local ThreadScratch scratch;
    MatchEnds ends;
    ends.ends.resize(impl_->hs_rules.size());
    bool scanned = hs_alloc_scratch(impl_->database, &scratch.scratch) == HS_SUCCESS;
    // hs_scan takes a 32-bit length; entries are capped far below that, but stay correct.
    for (std::size_t at = 0; scanned && at < text.size();) {
      const std::size_t n = std::min<std::size_t>(text.size() - at, 1u << 30);
      MatchEnds part;
      part.ends.resize(impl_->hs_rules.size());
      scanned = hs_scan(impl_->database, text.data() + at, static_cast<unsigned>(n), 0, scratch.scratch, on_match,
                        &part) == HS_SUCCESS;
      for (std::size_t k = 0; k < part.ends.size(); ++k) {
        for (const std::size_t e : part.ends[k]) ends.ends[k].push_back(at + e);
      }
      at += n;
    }
    // Probes → rules: a rule probed by several keywords gathers all their ends.
    std::map<std::size_t, std::vector<std::size_t>> by_rule;
    for (std::size_t k = 0; k < impl_->hs_rules.size(); ++k) {
      if (!scanned) {
        by_rule[impl_->hs_rules[k]];
      } else if (!ends.ends[k].empty()) {
        auto& all = by_rule[impl_->hs_rules[k]];
        all.insert(all.end(), ends.ends[k].begin(), ends.ends[k].end());
      }
    }
    for (auto& [rule, rule_ends] : by_rule) {
      if (!scanned) {
        work.push_back({rule, {Window{0, text.size()}}});
        continue;
      }
      std::sort(rule_ends.begin(), rule_ends.end());
      work.push_back({rule, windows_around(text, rule_ends, impl_->rules[rule].reach)});
    }
  }
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
  std::sort(work.begin(), work.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const re2::StringPiece input(text.data(), text.size());
  struct Span {
    std::size_t begin = 0, end = 0;
    bool generic = false;
  };
  std::vector<Span> spans;  // one per content hit, in order
  for (const auto& [i, windows] : work) {
    const CompiledRule& c = impl_->rules[i];
    if (c.path && !RE2::PartialMatch(path, *c.path)) continue;
    const int ngroups = c.regex->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> groups(static_cast<std::size_t>(ngroups));
    std::set<std::pair<std::uint32_t, std::string>> seen;
    std::size_t found = 0;
    for (const Window& w : windows) {
      // The rule applies only where one of its keywords occurs (case-insensitively).
      if (!c.rule.keywords.empty()) {
        const std::string lowered = lower(text.substr(w.begin, w.end - w.begin));
        const bool any = std::any_of(c.rule.keywords.begin(), c.rule.keywords.end(),
                                     [&](const std::string& k) { return lowered.find(k) != std::string::npos; });
        if (!any) continue;
      }
      std::size_t pos = w.begin;
      while (pos <= w.end && found < kMaxMatchesPerRule &&
             c.regex->Match(input, pos, w.end, RE2::UNANCHORED, groups.data(), ngroups)) {
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
        const auto line = static_cast<std::uint32_t>(
            1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(secret_at), '\n'));
        std::string print = fingerprint_of(c.rule.id, secret);
        if (!seen.emplace(line, print).second) continue;
        ++found;
        hits.push_back({c.rule.id, c.rule.description, c.rule.severity, line, redact_secret(secret), std::move(print)});
        spans.push_back({secret_at, secret_at + secret.size(), c.rule.id.find("generic") != std::string::npos});
      }
    }
  }
  // A generic rule's finding on the same bytes as a specific rule's says less: keep the specific.
  std::vector<SecretHit> kept;
  for (std::size_t h = 0; h < hits.size(); ++h) {
    const std::size_t k = h - (hits.size() - spans.size());  // path rules come first and have no span
    if (h >= hits.size() - spans.size() && spans[k].generic) {
      const bool covered = std::any_of(spans.begin(), spans.end(), [&](const Span& o) {
        return !o.generic && o.begin < spans[k].end && spans[k].begin < o.end;
      });
      if (covered) continue;
    }
    kept.push_back(std::move(hits[h]));
  }
  hits = std::move(kept);
  std::sort(hits.begin(), hits.end(), [](const SecretHit& a, const SecretHit& b) {
    return std::tie(a.line, a.rule_id, a.fingerprint) < std::tie(b.line, b.rule_id, b.fingerprint);
  });
  return hits;
}

}  // namespace strata::worker
