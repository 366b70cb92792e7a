// The secret engine and strata's built-in rules: every rule fires on a true positive and stays
// quiet on a near miss; secrets never leave redacted form; rule files load, extend and fail
// cleanly. The secrets here are made up (random characters of the right shape).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "worker/api/secret_rules.h"
#include "worker/api/secret_scanner.h"

namespace strata::worker {
namespace {

// Deterministic characters from `alphabet`: looks random, is the same on every run.
std::string chars(std::size_t n, std::string_view alphabet, std::uint64_t seed = 7) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    out += alphabet[(seed >> 33) % alphabet.size()];
  }
  return out;
}
constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kUpper32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::string_view kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const SecretScanner& scanner() {
  static const auto s = [] {
    auto compiled = SecretScanner::compile(default_secret_rules());
    EXPECT_TRUE(compiled) << compiled.error().message();
    return *compiled;
  }();
  return *s;
}

std::vector<std::string> rules_hit(const std::string& path, const std::string& text) {
  std::vector<std::string> ids;
  for (const auto& h : scanner().scan(path, text)) ids.push_back(h.rule_id);
  return ids;
}

struct Case {
  std::string rule;
  std::string path;
  std::string positive;
  std::string near_miss_path;
  std::string near_miss;
};

std::vector<Case> cases() {
  const std::string pem_body = chars(64, kB64, 1) + "\n" + chars(64, kB64, 2) + "\n" + chars(40, kB64, 3) + "\n";
  return {
      {"aws-access-key-id", "app/config.py", "key = '" + std::string("AKIA") + chars(16, kUpper32) + "'", "app/config.py",
       "key = 'AKIA" + chars(15, kUpper32) + "'"},
      {"aws-secret-access-key", "app/settings.ini", "aws_secret_access_key = " + chars(40, kAlnum, 3), "app/settings.ini",
       "aws_secret_access_key = " + chars(39, kAlnum, 3)},
      {"gcp-service-account", "sa.json", "{\"type\": \"service_account\", \"private_key_id\": \"" + chars(40, kHex) + "\"}",
       "sa.json", "{\"private_key_id\": \"" + chars(39, kHex) + "\"}"},
      {"gcp-api-key", "web/app.js", "const k = 'AIza" + chars(35, kAlnum) + "';", "web/app.js", "const k = 'AIza" + chars(34, kAlnum) + "';"},
      {"azure-storage-account-key", "app.config",
       "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + chars(86, kB64) + "==;", "app.config",
       "AccountKey=" + chars(85, kB64) + "==;"},
      {"azure-identifiable-key", "app/ai.env", "KEY=" + chars(52, kAlnum) + "JQQJ99" + chars(18, kAlnum) + "ACOG" + chars(4, kAlnum),
       "app/ai.env", "KEY=" + chars(52, kAlnum) + "JQQJ99" + chars(18, kAlnum) + "XXXX" + chars(4, kAlnum)},
      {"azure-entra-client-secret", "app/auth.cfg", "client = " + chars(3, kAlnum) + "8Q~" + chars(34, kAlnum, 4), "app/auth.cfg",
       "client = " + chars(3, kAlnum) + "8Q-" + chars(34, kAlnum, 4)},
      {"azure-sas-token", "app/blob.url", "https://acct.blob.core.windows.net/c/b?sv=2023-11-03&sr=b&sp=r&sig=" + chars(43, kAlnum) + "%3D",
       "app/blob.url", "https://acct.blob.core.windows.net/c/b?sv=2023-11-03&sr=b&sp=r&sig=short"},
      {"azure-app-configuration-connection-string", "app/appsettings.txt",
       "Endpoint=https://store.azconfig.io;Id=" + chars(4, kAlnum) + ";Secret=" + chars(40, kB64, 2), "app/appsettings.txt",
       "Endpoint=https://store.azconfig.io;Id=" + chars(4, kAlnum) + ";Secret="},
      {"alibaba-access-key-id", "app/oss.ini", "key = LTAI" + chars(20, kAlnum) + ",", "app/oss.ini", "key = LTAI" + chars(23, kAlnum)},
      {"huggingface-token", "train.py", "login('hf_" + chars(34, kAlnum) + "')", "train.py", "login('hf_" + chars(20, kAlnum) + "')"},
      {"kubernetes-docker-config", "deploy/pull-secret.yaml", "data:\n  .dockerconfigjson: " + chars(40, kB64) + "==\n",
       "deploy/pull-secret.yaml", "type: kubernetes.io/dockerconfigjson\n"},
      {"maven-settings-credential", "root/.m2/settings.xml", "<server><password>" + chars(14, kAlnum) + "</password></server>",
       "root/.m2/settings.xml", "<server><password>{" + chars(30, kB64) + "}</password></server>"},
      {"github-token", "ci.sh", "export GH=ghp_" + chars(36, kAlnum), "ci.sh", "export GH=ghp_" + chars(35, kAlnum)},
      {"github-fine-grained-token", "ci.sh", "github_pat_" + chars(82, kAlnum), "ci.sh", "github_pat_" + chars(81, kAlnum)},
      {"gitlab-token", "ci.sh", "TOKEN glpat-" + chars(20, kAlnum), "ci.sh", "TOKEN glpat-" + chars(19, kAlnum)},
      {"slack-token", "bot.py", "SLACK = 'xoxb-" + chars(12, "0123456789") + "-" + chars(24, kAlnum) + "'", "bot.py",
       "SLACK = 'xoxz-" + chars(12, "0123456789") + "-" + chars(24, kAlnum) + "'"},
      {"slack-webhook", "notify.sh", "curl https://hooks.slack.com/services/T0" + chars(8, kUpper32) + "/B0" + chars(8, kUpper32) + "/" + chars(24, kAlnum),
       "notify.sh", "curl https://hooks.slack.com/services/T0" + chars(8, kUpper32)},
      {"stripe-key", "pay.rb", "Stripe.api_key = 'sk_live_" + chars(24, kAlnum) + "'", "pay.rb", "Stripe.api_key = 'sk_live_" + chars(10, kAlnum) + "'"},
      {"twilio-api-key", "sms.py", "TWILIO = 'SK" + chars(32, kHex) + "'", "sms.py", "TWILIO = 'SK" + chars(31, kHex) + "'"},
      {"sendgrid-api-key", "mail.js", "SG." + chars(22, kAlnum) + "." + chars(43, kAlnum), "mail.js", "SG." + chars(22, kAlnum) + "." + chars(40, kAlnum)},
      {"npm-token", "ci.yml", "NPM_TOKEN: npm_" + chars(36, kAlnum), "ci.yml", "NPM_TOKEN: npm_" + chars(35, kAlnum)},
      {"npmrc-auth-token", "root/.npmrc", "//registry.npmjs.org/:_authToken=" + chars(30, kAlnum, 9), "root/npmrc.md",
       "//registry.npmjs.org/:_authToken=" + chars(30, kAlnum, 9)},
      {"pypi-token", "publish.sh", "twine upload -p pypi-AgEIcHlwaS5vcmc" + chars(60, kAlnum), "publish.sh", "pypi-AgEIcHlwaS5vcmc" + chars(10, kAlnum)},
      {"pypirc-password", "root/.pypirc", "[pypi]\nusername = __token__\npassword = " + chars(20, kAlnum) + "\n", "app/setup.cfg",
       "[pypi]\npassword = " + chars(20, kAlnum) + "\n"},
      {"jwt", "req.txt", "Authorization: Bearer eyJ" + chars(20, kAlnum) + ".eyJ" + chars(30, kAlnum) + "." + chars(40, kAlnum), "req.txt",
       "Authorization: Bearer eyJ" + chars(20, kAlnum)},
      {"private-key", "etc/ssl/private/key.pem", "-----BEGIN RSA PRIVATE KEY-----\n" + pem_body + "-----END RSA PRIVATE KEY-----\n",
       "etc/ssl/certs/pub.pem", "-----BEGIN PUBLIC KEY-----\n" + pem_body + "-----END PUBLIC KEY-----\n"},
      {"ssh-private-key-file", "root/.ssh/id_ed25519", "anything", "root/.ssh/id_ed25519.pub", "ssh-ed25519 AAAA"},
      {"generic-credential", "app/config.yaml", "db_password: " + chars(16, kAlnum, 11), "app/config.yaml", "db_password: password123"},
      {"url-credentials", "app/db.conf", "url = postgres://admin:" + chars(12, kAlnum) + "@db.internal:5432/app", "app/db.conf",
       "url = https://github.com/org/repo"},
      {"url-token-parameter", "run.sh", "curl 'https://svc.local/api?auth=" + chars(16, kAlnum) + "'", "run.sh", "curl 'https://svc.local/api?auth=true'"},
      {"docker-config-auth", "root/.docker/config.json", R"({"auths": {"reg.io": {"auth": ")" + chars(24, kB64) + R"("}}})",
       "etc/app/settings.json", R"({"auths": {"reg.io": {"auth": ")" + chars(24, kB64) + R"("}}})"},
      {"aws-credentials-file", "root/.aws/credentials", "[default]\naws_secret_access_key = " + chars(20, kAlnum) + "\n",
       "root/aws-credentials.txt", "[default]\naws_secret_access_key = " + chars(20, kAlnum) + "\n"},
      {"git-credentials", "root/.git-credentials", "https://bob:" + chars(14, kAlnum) + "@github.com\n", "root/.gitconfig",
       "[user]\nname = bob\n"},
      {"pgpass", "root/.pgpass", "db.internal:5432:app:admin:" + chars(14, kAlnum) + "\n", "root/.pgpass",
       "# hostname:port:database:username:password\n"},
      {"netrc-password", "root/.netrc", "machine api.corp login bob password " + chars(14, kAlnum) + "\n", "root/netrc.md",
       "machine api.corp login bob password " + chars(14, kAlnum) + "\n"},
      {"htpasswd-hash", "etc/nginx/.htpasswd", "admin:$apr1$" + chars(8, kAlnum) + "$" + chars(22, kAlnum) + "\n",
       "etc/nginx/.htpasswd", "# admin:plain\n"},
      {"kubeconfig-credential", "root/.kube/config", "users:\n- name: admin\n  user:\n    token: " + chars(32, kAlnum) + "\n",
       "root/.kube/config", "users:\n- name: admin\n  user:\n    token: short\n"},
      {"dotenv-secret", "app/.env", "API_KEY=" + chars(20, kAlnum) + "\nDEBUG=true\n", "app/.env", "DEBUG=true\nPORT=8080\n"},
  };
}

TEST(SecretRules, DefaultsLoadAndCompile) {
  EXPECT_TRUE(default_secret_rules().skipped.empty());
  EXPECT_TRUE(scanner().skipped().empty()) << scanner().skipped()[0];
  EXPECT_EQ(scanner().rule_count(), default_secret_rules().rules.size());
}

TEST(SecretRules, EveryDefaultRuleFiresAndStaysQuietOnANearMiss) {
  std::set<std::string> tested;
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.rule);
    const auto hit = rules_hit(c.path, c.positive);
    EXPECT_NE(std::find(hit.begin(), hit.end(), c.rule), hit.end()) << c.positive;
    const auto miss = rules_hit(c.near_miss_path, c.near_miss);
    EXPECT_EQ(std::find(miss.begin(), miss.end(), c.rule), miss.end()) << c.near_miss;
    tested.insert(c.rule);
  }
  for (const auto& rule : default_secret_rules().rules) EXPECT_TRUE(tested.contains(rule.id)) << rule.id << " has no test case";
}

TEST(SecretRules, GithubAppInstallationTokenWithAJwt) {
  const std::string jwt = "eyJ" + chars(20, kAlnum) + ".eyJ" + chars(30, kAlnum, 2) + "." + chars(40, kAlnum, 3);
  EXPECT_EQ(rules_hit("ci.env", "GITHUB_TOKEN=ghs_15368_" + jwt), std::vector<std::string>{"github-token"});
  const auto miss = rules_hit("ci.env", "GITHUB_TOKEN=ghs_x_" + jwt);
  EXPECT_EQ(std::find(miss.begin(), miss.end(), "github-token"), miss.end());
}

TEST(SecretRules, EveryPrivateKeyKind) {
  const std::string body = chars(64, kB64, 5) + "\n" + chars(64, kB64, 6) + "\n";
  for (const std::string kind : {"RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", ""}) {
    const auto hit = rules_hit("k", "-----BEGIN " + kind + "PRIVATE KEY-----\n" + body + "-----END " + kind + "PRIVATE KEY-----\n");
    EXPECT_EQ(hit, std::vector<std::string>{"private-key"}) << kind;
  }
  const auto pgp = rules_hit("k", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + body + "=abcd\n-----END PGP PRIVATE KEY BLOCK-----\n");
  EXPECT_EQ(pgp, std::vector<std::string>{"private-key"});
}

TEST(SecretRules, RedactedFingerprintedAndLocated) {
  const std::string token = "ghp_" + chars(36, kAlnum, 42);
  const auto hits = scanner().scan("srv/deploy.sh", "#!/bin/sh\n\nexport GH=" + token + "\n");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].line, 3u);
  EXPECT_EQ(hits[0].redacted, "ghp_****");
  EXPECT_EQ(hits[0].severity, "HIGH");
  EXPECT_EQ(hits[0].fingerprint.size(), 64u);
  EXPECT_EQ(hits[0].fingerprint.find(token), std::string::npos);
  // The same secret elsewhere has the same fingerprint; another secret another.
  EXPECT_EQ(scanner().scan("other", token)[0].fingerprint, hits[0].fingerprint);
  EXPECT_NE(scanner().scan("other", "ghp_" + chars(36, kAlnum, 43))[0].fingerprint, hits[0].fingerprint);
  EXPECT_EQ(redact_secret("abc"), "****");
  EXPECT_EQ(redact_secret("abcdefgh"), "ab****");
}

TEST(SecretRules, DocumentationExamplesArePlaceholdersNotSecrets) {
  EXPECT_TRUE(rules_hit("README.md", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                                     "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n").empty());
  EXPECT_TRUE(rules_hit("app/.env", "API_KEY=${API_KEY}\nPASSWORD=changeme\n").empty());
}

TEST(SecretRules, LibraryAndDocumentationTreesAreNotRead) {
  for (const char* path : {"usr/share/doc/pkg/README", "usr/include/openssl/ssl.h", "usr/lib/python3.11/tokenize.py",
                           "usr/local/lib/python3.11/site-packages/requests/auth.py", "app/node_modules/x/index.js",
                           "usr/lib/python3/dist-packages/yaml/__init__.py"}) {
    EXPECT_TRUE(scanner().skips_path(path)) << path;
  }
  for (const char* path : {"app/config.py", "root/.bashrc", "etc/app/settings.yaml", "srv/www/.env", "home/u/notes.txt"}) {
    EXPECT_FALSE(scanner().skips_path(path)) << path;
  }
}

TEST(SecretRules, FilesExtendReplaceAndFailCleanly) {
  auto own = parse_secret_rules(R"(
[[rules]]
id = "corp-token"
regex = '''corp_[a-z0-9]{12}'''
keywords = ["corp_"]
severity = "critical"

[[rules]]
description = "no id"
regex = "x"

[[rules]]
id = "nothing"
)", "custom.toml");
  ASSERT_TRUE(own) << own.error().message();
  ASSERT_EQ(own->rules.size(), 1u);
  EXPECT_EQ(own->rules[0].severity, "CRITICAL");
  EXPECT_EQ(own->skipped.size(), 2u);
  auto custom = SecretScanner::compile(*own);
  ASSERT_TRUE(custom);
  EXPECT_EQ((*custom)->scan("x", "t = corp_" + chars(12, "abcdefghij0123456789")).size(), 1u);
  EXPECT_TRUE((*custom)->scan("x", "ghp_" + chars(36, kAlnum)).empty());  // replaced, not extended

  const auto bad = parse_secret_rules("[[rules]\nid=", "broken.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("broken.toml"), std::string::npos);

  SecretRuleSet with_bad_regex;
  with_bad_regex.rules.push_back({.id = "bad", .regex = "(unclosed"});
  with_bad_regex.rules.push_back({.id = "good", .regex = "good_[0-9]{4}"});
  auto compiled = SecretScanner::compile(with_bad_regex);
  ASSERT_TRUE(compiled);
  EXPECT_EQ((*compiled)->rule_count(), 1u);
  ASSERT_EQ((*compiled)->skipped().size(), 1u);
  EXPECT_NE((*compiled)->skipped()[0].find("bad"), std::string::npos);
}

TEST(SecretRules, AllowlistsByPathRegexTargetAndStopword) {
  SecretRuleSet set;
  SecretRule rule{.id = "tok", .regex = "tok_([a-z0-9]{10})"};
  rule.allowlists.push_back({.target = SecretAllowlist::Target::kLine, .regexes = {"# test fixture"}});
  rule.allowlists.push_back({.stopwords = {"aaaa"}});
  rule.allowlists.push_back({.require_all = true, .regexes = {"^zz"}, .paths = {"^tests/"}});
  set.rules.push_back(rule);
  set.allowlists.push_back({.paths = {"(?:^|/)vendor/"}});
  auto s = SecretScanner::compile(set);
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->scan("a", "tok_q1w2e3r4t5").size(), 1u);
  EXPECT_TRUE((*s)->scan("a", "tok_q1w2e3r4t5 # test fixture").empty());
  EXPECT_TRUE((*s)->scan("a", "tok_q1aaaa4t5x").empty());
  EXPECT_TRUE((*s)->scan("tests/x", "tok_zz1w2e3r4t").empty());
  EXPECT_EQ((*s)->scan("src/x", "tok_zz1w2e3r4t").size(), 1u);  // AND: the path must match too
  EXPECT_TRUE((*s)->skips_path("app/vendor/lib.php"));
  EXPECT_TRUE((*s)->scan("app/vendor/lib.php", "tok_q1w2e3r4t5").empty());
}

TEST(SecretRules, EntropyIsShannonsInBitsPerByte) {
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abab"), 1);
  EXPECT_DOUBLE_EQ(shannon_entropy("abcd"), 2);
}

}  // namespace
}  // namespace strata::worker
