// The Debian security tracker (https://security-tracker.debian.org/tracker/): its JSON export
// (package → CVE → per-release status) and its DSA/DLA advisory lists
// (security-tracker data/DSA/list, data/DLA/list). Both become records in the "Debian:N"
// ecosystems keyed by source package, as Debian's own OSV export does.
#include <array>
#include <map>
#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/text_lines.h"
#include "common/vulndb/feed_batch.h"

namespace strata {

std::string debian_release_number(std::string_view codename) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kReleases = {{
      {"woody", "3.0"}, {"sarge", "3.1"}, {"etch", "4"}, {"lenny", "5"}, {"squeeze", "6"},
      {"wheezy", "7"}, {"jessie", "8"}, {"stretch", "9"}, {"buster", "10"}, {"bullseye", "11"},
      {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"}, {"duke", "15"},
  }};
  for (const auto& [name, number] : kReleases) {
    if (name == codename) return std::string(number);
  }
  return "";
}

FeedBatch convert_debian_tracker_json(std::string_view bytes, std::string_view name) {
  using nlohmann::json;
  FeedBatch out;
  const std::string where(name);
  const auto parsed = parse_feed_object(bytes, name, out);
  if (!parsed) return out;
  const json& doc = *parsed;
  std::map<std::string, Vulnerability> by_cve;
  for (const auto& [package, cves] : doc.items()) {
    if (!cves.is_object()) {
      out.skipped.push_back(where + ": " + package + ": not an object");
      continue;
    }
    for (const auto& [cve, entry] : cves.items()) {
      const auto releases = entry.find("releases");
      if (!entry.is_object() || releases == entry.end() || !releases->is_object()) {
        out.skipped.push_back(where + ": " + package + " " + cve + ": no releases");
        continue;
      }
      Vulnerability& v = by_cve[cve];
      if (v.id.empty()) {
        v.id = "DEBIAN-" + cve;
        v.aliases = {cve};
        v.summary = json_fields::string_or(entry, "description").substr(0, 200);
      }
      for (const auto& [codename, release] : releases->items()) {
        const std::string number = debian_release_number(codename);
        if (number.empty() || !release.is_object()) continue;
        const std::string at = where + ": " + package + " " + cve + " " + codename;
        auto status = json_fields::string_field(release, "status", at);
        auto fixed_version = json_fields::string_field(release, "fixed_version", at);
        auto urgency = json_fields::string_field(release, "urgency", at);
        if (!status || !fixed_version || !urgency) {
          out.skipped.push_back((!status ? status.error() : !fixed_version ? fixed_version.error() : urgency.error()).message());
          continue;
        }
        const std::string& fixed = *fixed_version;
        Affected a;
        a.ecosystem = "Debian:" + number;
        a.package = package;
        a.severity = *urgency;
        AffectedRange range{AffectedRange::kEcosystem, {{RangeEvent::kIntroduced, "0"}}};
        if (*status == "resolved") {
          if (fixed.empty() || fixed == "0") continue;  // not affected in this release
          range.events.push_back({RangeEvent::kFixed, fixed});
        } else if (*status != "open" && *status != "undetermined") {
          continue;
        }
        a.ranges.push_back(std::move(range));
        v.affected.push_back(std::move(a));
      }
    }
  }
  for (auto& [id, v] : by_cve) {
    if (!v.affected.empty()) out.records.push_back(std::move(v));
  }
  return out;
}

FeedBatch convert_debian_advisory_list(std::string_view text, std::string_view name) {
  FeedBatch out;
  const std::string where(name);
  std::optional<Vulnerability> current;
  auto flush = [&] {
    if (current && !current->affected.empty()) out.records.push_back(std::move(*current));
    current.reset();
  };
  for_each_line(text, [&](std::string_view line, std::size_t line_no) {
    if (line.empty()) return true;
    const std::string at = where + ":" + std::to_string(line_no) + ": ";
    if (line.front() == '[') {
      // [29 Mar 2023] DSA-5380-1 xorg-server - security update
      flush();
      const auto close = line.find(']');
      if (close == std::string_view::npos) {
        out.skipped.push_back(at + "advisory line without a closing ']'");
        return true;
      }
      std::string_view rest = line.substr(close + 1);
      while (rest.starts_with(" ")) rest.remove_prefix(1);
      const auto space = rest.find(' ');
      if (space == std::string_view::npos || !(rest.starts_with("DSA-") || rest.starts_with("DLA-"))) {
        out.skipped.push_back(at + "advisory line without a DSA or DLA id");
        return true;
      }
      current.emplace();
      current->id = std::string(rest.substr(0, space));
      const auto dash = rest.find(" - ");
      current->summary = dash == std::string_view::npos ? std::string(rest.substr(space + 1))
                                                        : std::string(rest.substr(dash + 3));
      return true;
    }
    if (!current) return true;  // continuation of a skipped block
    while (!line.empty() && (line.front() == '\t' || line.front() == ' ')) line.remove_prefix(1);
    if (line.starts_with("{")) {
      // {CVE-2023-1393 CVE-…}
      std::string_view ids = line.substr(1, line.find('}') == std::string_view::npos ? std::string_view::npos
                                                                                   : line.find('}') - 1);
      for (std::size_t p = 0; p < ids.size();) {
        const auto space = ids.find(' ', p);
        const auto id = ids.substr(p, space == std::string_view::npos ? std::string_view::npos : space - p);
        if (!id.empty()) current->aliases.emplace_back(id);
        if (space == std::string_view::npos) break;
        p = space + 1;
      }
    } else if (line.starts_with("[")) {
      // [bullseye] - xorg-server 2:1.20.11-1+deb11u6   (or <not-affected>, <end-of-life>, <unfixed>)
      const auto close = line.find(']');
      const auto dash = line.find("- ", close == std::string_view::npos ? 0 : close);
      if (close == std::string_view::npos || dash == std::string_view::npos) {
        out.skipped.push_back(at + current->id + ": release line is not '[release] - package version'");
        return true;
      }
      const std::string number = debian_release_number(line.substr(1, close - 1));
      std::string_view rest = line.substr(dash + 2);
      const auto space = rest.find(' ');
      if (space == std::string_view::npos) {
        out.skipped.push_back(at + current->id + ": release line names no version");
        return true;
      }
      const std::string package(rest.substr(0, space));
      std::string_view version = rest.substr(space + 1);
      if (const auto blank = version.find(' '); blank != std::string_view::npos) version = version.substr(0, blank);
      if (number.empty() || version == "<not-affected>" || version == "<end-of-life>" ||
          version == "<ignored>" || version == "<postponed>") {
        return true;
      }
      Affected a;
      a.ecosystem = "Debian:" + number;
      a.package = package;
      AffectedRange range{AffectedRange::kEcosystem, {{RangeEvent::kIntroduced, "0"}}};
      if (version != "<unfixed>") range.events.push_back({RangeEvent::kFixed, std::string(version)});
      a.ranges.push_back(std::move(range));
      current->affected.push_back(std::move(a));
    }
    return true;
  });
  flush();
  return out;
}

}  // namespace strata
