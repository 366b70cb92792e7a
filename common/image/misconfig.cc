#include "common/image/misconfig.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/image/hygiene.h"

namespace strata {
namespace {

constexpr std::size_t kMaxEvidence = 20;

bool runs_as_root(const std::string& user) {
  const std::string who = user.substr(0, user.find(':'));
  return who.empty() || who == "0" || who == "root";
}

std::string port_number(const std::string& port) { return port.substr(0, port.find('/')); }

void add(std::vector<Misconfiguration>& out, std::string id, std::string title, std::string severity,
         std::string fix, std::vector<std::string> evidence = {}, std::string layer = {}) {
  if (evidence.size() > kMaxEvidence) {
    const std::size_t more = evidence.size() - kMaxEvidence;
    evidence.resize(kMaxEvidence);
    evidence.push_back("… and " + std::to_string(more) + " more");
  }
  out.push_back({std::move(id), std::move(title), std::move(severity), std::move(fix), std::move(evidence),
                 std::move(layer)});
}

// "ADD [--flag …] https://…" anywhere in a build step's command line: the URL, or empty.
std::string added_url(std::string_view line) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  for (std::size_t at = 0; at + 4 <= line.size(); ++at) {
    const bool word_start = at == 0 || std::isspace(static_cast<unsigned char>(line[at - 1]));
    if (!word_start || lower(line[at]) != 'a' || lower(line[at + 1]) != 'd' || lower(line[at + 2]) != 'd' ||
        !std::isspace(static_cast<unsigned char>(line[at + 3]))) {
      continue;
    }
    std::size_t p = at + 3;
    for (;;) {  // skip whitespace and --flags
      while (p < line.size() && std::isspace(static_cast<unsigned char>(line[p]))) ++p;
      if (line.substr(p, 2) != "--") break;
      while (p < line.size() && !std::isspace(static_cast<unsigned char>(line[p]))) ++p;
    }
    const std::string_view rest = line.substr(p);
    if (rest.starts_with("http://") || rest.starts_with("https://")) {
      return std::string(rest.substr(0, rest.find_first_of(" \t")));
    }
  }
  return {};
}

// The URL as evidence may show it: user information ("user:token@") and the query string, where
// download tokens and signatures live, are replaced by "***" (issue 14, defect 13).
std::string redacted_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::size_t authority = scheme_end + 3;
  std::size_t path = url.find_first_of("/?#", authority);
  if (path == std::string_view::npos) path = url.size();
  std::string out(url.substr(0, authority));
  const std::string_view host_part = url.substr(authority, path - authority);
  const auto at = host_part.rfind('@');
  out += at == std::string_view::npos ? std::string(host_part) : "***@" + std::string(host_part.substr(at + 1));
  std::string_view rest = url.substr(path);
  rest = rest.substr(0, rest.find('#'));
  const auto query = rest.find('?');
  out += rest.substr(0, query);
  if (query != std::string_view::npos) out += "?***";
  return out;
}

bool present(const ImageFacts& facts, std::string_view path) {
  return std::find(facts.present.begin(), facts.present.end(), path) != facts.present.end();
}

}  // namespace

std::vector<Misconfiguration> check_image(const ImageInventory& inv) {
  std::vector<Misconfiguration> out;
  const RuntimeConfig& r = inv.runtime;
  const ImageFacts& facts = inv.view.facts;
  const bool has_config = !inv.config_digest.empty();

  if (has_config && runs_as_root(r.user)) {
    add(out, "STRATA-CFG-001", "Runs as root", "HIGH", "Add `USER <non-root uid>` after the last step that needs root.",
        {r.user.empty() ? "no User set" : "User " + r.user});
  }
  std::vector<std::string> ssh, admin;
  for (const auto& port : r.exposed_ports) {
    const std::string n = port_number(port);
    if (n == "22") ssh.push_back(port);
    if (n == "23" || n == "2375" || n == "2376" || n == "3389" || n == "5900") admin.push_back(port);
  }
  if (!ssh.empty()) {
    add(out, "STRATA-CFG-002", "Exposes SSH", "HIGH",
        "Remove `EXPOSE 22` and the SSH server; use `kubectl exec` or `docker exec` to get a shell.", ssh);
  }
  if (!admin.empty()) {
    add(out, "STRATA-CFG-003", "Exposes a remote-administration port (telnet, Docker API, RDP, VNC)", "HIGH",
        "Remove the EXPOSE line and the service behind it.", admin);
  }
  // Secrets in ENV, ARG (which lands in build steps' history) and RUN lines.
  for (const auto& s : inv.view.secrets) {
    const std::string& where = s.secret.path;
    if (!where.starts_with("config:") && !where.starts_with("history:")) continue;
    add(out, "STRATA-CFG-004", "Secret in the image configuration or build history", "CRITICAL",
        "Pass secrets at run time (a mounted file or the orchestrator's secret store) or with "
        "`RUN --mount=type=secret`, never through ENV, ARG or a RUN command line.",
        {where + " #" + std::to_string(s.secret.line) + ": " + s.secret.rule_id + " " + s.secret.redacted}, s.layer);
  }
  const std::vector<std::string> step_layers = history_layers(inv);
  for (std::size_t i = 0; i < inv.history.size(); ++i) {
    const HistoryEntry& h = inv.history[i];
    const std::string& layer = step_layers[i];
    if (const std::string url = added_url(h.created_by); !url.empty()) {
      add(out, "STRATA-CFG-005", "ADD of a remote URL", "MEDIUM",
          "Download with `RUN curl -fsSLo FILE URL` and verify a checksum, or COPY a vetted file.",
          {"step " + std::to_string(i + 1) + ": ADD " + redacted_url(url)}, layer);
    }
  }
  if (inv.ref_tag) {
    if (*inv.ref_tag == "latest") {
      add(out, "STRATA-CFG-006", "Mutable tag: latest", "MEDIUM", "Pin the image by digest (name@sha256:…) or a release tag.",
          {inv.ref});
    } else if (inv.ref_tag->empty() && !inv.ref_pinned) {
      add(out, "STRATA-CFG-006", "Mutable reference: no tag and no digest", "LOW",
          "Pin the image by digest (name@sha256:…).", {inv.ref});
    }
  }
  if (has_config && (r.healthcheck.empty() || r.healthcheck.front() == "NONE")) {
    add(out, "STRATA-CFG-007", "No HEALTHCHECK", "LOW",
        "Add `HEALTHCHECK CMD …` or rely on the orchestrator's probes.",
        {r.healthcheck.empty() ? "none set" : "disabled (NONE)"});
  }
  if (present(facts, "usr/bin/sudo")) {
    add(out, "STRATA-CFG-008", "sudo is installed", "MEDIUM",
        "Remove sudo: run the container as the user it needs, with no way up to root.", {"usr/bin/sudo"});
  }
  for (const auto& c : facts.caches) {
    add(out, "STRATA-CFG-009", "Package-manager cache left in a layer", "LOW",
        "Clean in the same RUN step (`rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install "
        "--no-cache-dir`, …).",
        {c.kind + ": " + std::to_string(c.bytes) + " bytes"}, c.layer);
  }
  if (!facts.setid.empty()) {
    std::vector<std::string> files;
    for (const auto& f : facts.setid) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", f.mode & 07777u);
      files.push_back(f.path + " (" + mode + (f.above_base ? ", added above the base layer" : "") + ")");
    }
    add(out, "STRATA-FS-001", "SUID/SGID files", "MEDIUM",
        "Remove the set-id bits you do not need: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`.", files);
  }
  if (!facts.world_writable.empty()) {
    std::vector<std::string> files;
    for (const auto& f : facts.world_writable) files.push_back(f.path);
    add(out, "STRATA-FS-002", "World-writable files outside /tmp", "MEDIUM", "`chmod o-w` them, or make the directory sticky.",
        files);
  }
  if (!facts.root_ssh.empty()) {
    std::vector<std::string> files;
    for (const auto& f : facts.root_ssh) files.push_back(f.path);
    add(out, "STRATA-FS-003", "Files under /root/.ssh", "HIGH",
        "Do not ship SSH keys or authorized_keys in an image; remove /root/.ssh.", files);
  }
  if (present(facts, "usr/sbin/sshd")) {
    add(out, "STRATA-FS-004", "An SSH server is installed", "MEDIUM", "Remove openssh-server from the image.",
        {"usr/sbin/sshd"});
  }
  auto hygiene = check_hygiene(inv);
  out.insert(out.end(), std::make_move_iterator(hygiene.begin()), std::make_move_iterator(hygiene.end()));
  return out;
}

}  // namespace strata
