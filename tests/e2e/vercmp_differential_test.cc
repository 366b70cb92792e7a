// `strata vercmp` against the real tools on Debian, on many pairs generated from each
// ecosystem's grammar (fixed seeds, so a failure reproduces): dpkg --compare-versions,
// pypa/packaging (python3-packaging), rpm's labelCompare (python3-rpm), RubyGems' Gem::Version,
// and node-semver as npm bundles it. A tool that is missing skips its test, saying so.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/support/image_builder.h"
#include "tests/support/process.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

// Standard output only; callers that want the reference tool's errors redirect them themselves.
std::string run(const std::string& command) { return test::run_command(command, false).out; }

bool have(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(below(static_cast<int>(v.size())))]; }
  std::string number() {
    static const std::vector<std::string> kNumbers = {"0", "1", "2", "9", "10", "01", "00", "11", "100", "2024"};
    return pick(kNumbers);
  }

 private:
  std::mt19937 rng_;
};

class Differential : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::temp_dir(); }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes the pairs, runs strata and `reference` (a command reading the same file), and
  // expects the same verdict on every line.
  void compare(const std::string& ecosystem, const std::vector<std::pair<std::string, std::string>>& pairs,
               const std::string& reference, const std::string& reference_input = "") {
    const std::string input = dir_ + "/pairs.tsv";
    {
      std::ofstream out(input);
      for (const auto& [a, b] : pairs) out << a << '\t' << b << '\n';
    }
    const auto ours = lines(run(std::string(STRATA_BINARY) + " vercmp -e " + ecosystem + " < " + input));
    // The reference's stderr is kept, so that a crash of its script shows in the failure.
    const auto theirs = lines(run(reference + " " + (reference_input.empty() ? input : reference_input) + " 2>&1"));
    ASSERT_EQ(ours.size(), pairs.size());
    ASSERT_EQ(theirs.size(), pairs.size()) << "the reference tool printed " << theirs.size()
                                           << " lines, ending: " << (theirs.empty() ? "" : theirs.back());
    int mismatches = 0;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (ours[i] != theirs[i] && ++mismatches <= 10) {
        ADD_FAILURE() << ecosystem << ": '" << pairs[i].first << "' vs '" << pairs[i].second << "': strata says "
                      << ours[i] << ", the reference " << theirs[i];
      }
    }
    EXPECT_EQ(mismatches, 0) << "of " << pairs.size() << " pairs";
    RecordProperty("pairs", static_cast<int>(pairs.size()));
  }

  std::string script(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_;
};

std::string debian_version(Generator& g) {
  static const std::vector<std::string> kPieces = {".", "~", "+", "a", "b", "z", "rc", "~rc", "+dfsg", "~bpo",
                                                   "ubuntu", "deb", "-", "1", "0", "10"};
  std::string v;
  if (g.chance(15)) v += std::to_string(g.below(3)) + ":";
  v += g.number();
  for (int i = g.below(5); i > 0; --i) {
    const std::string& p = g.pick(kPieces);
    if (p == "-") continue;  // the revision is added separately
    v += p;
  }
  if (g.chance(70)) {
    v += "-" + g.number();
    static const std::vector<std::string> kRev = {"", "ubuntu1", "+deb12u1", "~bpo1", ".1", "build2", "+b1"};
    v += g.pick(kRev);
  }
  return v;
}

TEST_F(Differential, DpkgCompareVersions) {
  if (!have("dpkg --version")) GTEST_SKIP() << "dpkg not found";
  Generator g(1);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 1500; ++i) {
    std::string a = debian_version(g);
    std::string b = g.chance(30) ? a : debian_version(g);
    if (g.chance(20)) b = a + g.pick(std::vector<std::string>{"~", "+", "a", ".0", "~~"});
    pairs.emplace_back(a, b);
  }
  const std::string ref = script("dpkg.sh", R"(while IFS=$'\t' read -r a b; do
  if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo '<';
  elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo '=';
  else echo '>'; fi
done < "$1")");
  compare("deb", pairs, "bash " + ref);
}

std::string pep440_version(Generator& g) {
  std::string v;
  if (g.chance(5)) v += "v";
  if (g.chance(10)) v += std::to_string(g.below(3)) + "!";
  v += g.number();
  for (int i = g.below(4); i > 0; --i) v += "." + g.number();
  static const std::vector<std::string> kSep = {"", ".", "-", "_"};
  if (g.chance(35)) {
    static const std::vector<std::string> kPre = {"a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "RC"};
    v += g.pick(kSep) + g.pick(kPre) + (g.chance(80) ? g.pick(kSep) + g.number() : "");
  }
  if (g.chance(25)) {
    if (g.chance(30)) {
      v += "-" + g.number();
    } else {
      static const std::vector<std::string> kPost = {"post", "rev", "r", "POST"};
      v += g.pick(kSep) + g.pick(kPost) + (g.chance(80) ? g.pick(kSep) + g.number() : "");
    }
  }
  if (g.chance(25)) v += g.pick(kSep) + "dev" + (g.chance(80) ? g.number() : "");
  if (g.chance(15)) {
    static const std::vector<std::string> kLocal = {"ubuntu", "1", "abc", "0", "cpu", "cu118", "2"};
    v += "+" + g.pick(kLocal);
    for (int i = g.below(3); i > 0; --i) v += g.pick(std::vector<std::string>{".", "-", "_"}) + g.pick(kLocal);
  }
  return v;
}

TEST_F(Differential, PythonPackaging) {
  if (!have("/usr/bin/python3 -c 'import packaging.version'")) GTEST_SKIP() << "python3-packaging not found";
  Generator g(2);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 30000; ++i) {
    const std::string a = pep440_version(g);
    pairs.emplace_back(a, g.chance(20) ? a : pep440_version(g));
  }
  const std::string ref = script("pep440.py", R"(import sys
from packaging.version import Version
for line in open(sys.argv[1]):
    a, b = line.rstrip("\n").split("\t")
    x, y = Version(a), Version(b)
    print("<" if x < y else ">" if x > y else "=")
)");
  compare("pypi", pairs, "/usr/bin/python3 " + ref);
}

TEST_F(Differential, RpmLabelCompare) {
  if (!have("/usr/bin/python3 -c 'import rpm'")) GTEST_SKIP() << "python3-rpm not found";
  Generator g(3);
  static const std::vector<std::string> kPieces = {".", "_", "~", "^", "a", "b", "rc", "el9", "fc39", "1", "0",
                                                   "10", "git", "+", "Z"};
  auto part = [&] {
    std::string s = g.chance(90) ? g.number() : g.pick(kPieces);
    for (int i = g.below(4); i > 0; --i) s += g.pick(kPieces);
    return s;
  };
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string tuples;
  for (int i = 0; i < 20000; ++i) {
    std::array<std::string, 6> t;  // e1 v1 r1 e2 v2 r2; "" = absent epoch, "-" = absent release
    for (int side = 0; side < 2; ++side) {
      t[side * 3] = g.chance(15) ? std::to_string(g.below(3)) : "";
      t[side * 3 + 1] = part();
      t[side * 3 + 2] = g.chance(10) ? "-" : part();
    }
    if (g.chance(25)) std::copy(t.begin(), t.begin() + 3, t.begin() + 3);
    auto evr = [&](int side) {
      std::string s;
      if (!t[side * 3].empty()) s += t[side * 3] + ":";
      s += t[side * 3 + 1];
      if (t[side * 3 + 2] != "-") s += "-" + t[side * 3 + 2];
      return s;
    };
    pairs.emplace_back(evr(0), evr(1));
    for (const auto& x : t) tuples += x + "\t";
    tuples += "\n";
  }
  const std::string tuple_file = dir_ + "/tuples.tsv";
  std::ofstream(tuple_file) << tuples;
  const std::string ref = script("label_compare.py", R"(import sys, rpm
def val(s, absent):
    return None if s == absent else s
for line in open(sys.argv[1]):
    c = line.rstrip("\n").split("\t")
    r = rpm.labelCompare((val(c[0], ""), c[1], val(c[2], "-")), (val(c[3], ""), c[4], val(c[5], "-")))
    print("<" if r < 0 else ">" if r > 0 else "=")
)");
  compare("rpm", pairs, "/usr/bin/python3 " + ref, tuple_file);
}

TEST_F(Differential, RubyGemVersion) {
  if (!have("ruby -e 'Gem::Version'")) GTEST_SKIP() << "ruby not found";
  Generator g(4);
  static const std::vector<std::string> kQualifiers = {"a", "b", "pre", "rc", "alpha", "beta", "RC", "z", "0", "1"};
  auto gem = [&] {
    std::string v = g.number();
    for (int i = g.below(4); i > 0; --i) v += "." + (g.chance(80) ? g.number() : g.pick(kQualifiers));
    if (g.chance(15)) v += "-" + g.pick(kQualifiers) + (g.chance(50) ? "." + g.number() : "");
    return v;
  };
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 20000; ++i) {
    const std::string a = gem();
    pairs.emplace_back(a, g.chance(20) ? a + ".0" : gem());
  }
  const std::string ref = script("gem.rb", R"(File.foreach(ARGV[0]) do |line|
  a, b = line.chomp.split("\t", -1)
  r = Gem::Version.new(a) <=> Gem::Version.new(b)
  puts(r < 0 ? "<" : r > 0 ? ">" : "=")
end
)");
  compare("gem", pairs, "ruby " + ref);
}

TEST_F(Differential, NodeSemver) {
  // npm's own semver: bundled in its tree (npm from nodejs.org or NodeSource), or Debian's
  // node-semver package, which Debian's npm depends on.
  const std::string global = run("npm root -g 2>/dev/null");
  std::string module = global.empty() ? "" : lines(global)[0] + "/npm/node_modules/semver";
  if (module.empty() || !fs::exists(module)) module = "/usr/share/nodejs/semver";
  if (!fs::exists(module)) GTEST_SKIP() << "node and npm's semver not found";
  Generator g(5);
  static const std::vector<std::string> kIds = {"alpha", "beta", "rc", "0", "1", "2", "10", "x", "a-b", "11"};
  auto ver = [&] {
    std::string v = g.number() + "." + g.number() + "." + g.number();
    if (g.chance(40)) {
      v += "-" + g.pick(kIds);
      for (int i = g.below(3); i > 0; --i) v += "." + g.pick(kIds);
    }
    if (g.chance(15)) v += "+build." + g.number();
    return v;
  };
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 20000; ++i) {
    // number() yields leading zeros too ("01"): both sides must then report the same error.
    const std::string a = ver();
    pairs.emplace_back(a, g.chance(20) ? a : ver());
  }
  const std::string ref = script("semver.js", "const semver = require('" + module + R"(');
const fs = require('fs');
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (line === '') continue;
  const [a, b] = line.split('\t');
  const va = semver.valid(a), vb = semver.valid(b);
  if (va === null) { console.log(`error: '${a}' is not a SemVer version`); continue; }
  if (vb === null) { console.log(`error: '${b}' is not a SemVer version`); continue; }
  const r = semver.compare(a, b);
  console.log(r < 0 ? '<' : r > 0 ? '>' : '=');
}
)");
  compare("npm", pairs, "node " + ref);
}

}  // namespace
}  // namespace strata
