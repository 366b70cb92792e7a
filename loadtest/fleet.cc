#include "loadtest/fleet.h"

#include <random>
#include <set>

#include "common/image/image_writer.h"

namespace strata::loadtest {
namespace {

struct Base {
  std::string os_release;
  bool apk = false;
  std::vector<std::pair<std::string, std::string>> packages;  // name, version
};

// Package names and versions as Debian 12 and Alpine 3.19 ship them: real enough for matching.
const std::vector<Base>& bases() {
  static const std::vector<Base> b = {
      {"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n", false,
       {{"base-files", "12.4+deb12u5"}, {"bash", "5.2.15-2+b2"}, {"coreutils", "9.1-1"},
        {"libc6", "2.36-9+deb12u4"}, {"libssl3", "3.0.11-1~deb12u2"}, {"openssl", "3.0.11-1~deb12u2"},
        {"zlib1g", "1:1.2.13.dfsg-1"}, {"tar", "1.34+dfsg-1.2+deb12u1"}, {"gzip", "1.12-1"},
        {"sed", "4.9-1"}, {"perl-base", "5.36.0-7+deb12u1"}, {"libsystemd0", "252.22-1~deb12u1"},
        {"apt", "2.6.1"}, {"dpkg", "1.21.22"}, {"libgnutls30", "3.7.9-2+deb12u2"}, {"curl", "7.88.1-10+deb12u5"}}},
      {"NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n", true,
       {{"musl", "1.2.4_git20230717-r4"}, {"busybox", "1.36.1-r15"}, {"libcrypto3", "3.1.4-r5"},
        {"libssl3", "3.1.4-r5"}, {"zlib", "1.3.1-r0"}, {"apk-tools", "2.14.0-r5"}, {"ca-certificates-bundle", "20230506-r0"}}},
  };
  return b;
}

std::string dpkg_status(const std::vector<std::pair<std::string, std::string>>& packages) {
  std::string out;
  for (const auto& [name, version] : packages) {
    out += "Package: " + name + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: " + version + "\n\n";
  }
  return out;
}

std::string apk_installed(const std::vector<std::pair<std::string, std::string>>& packages) {
  std::string out;
  for (const auto& [name, version] : packages) {
    out += "P:" + name + "\nV:" + version + "\nA:x86_64\no:" + name + "\n\n";
  }
  return out;
}

image_writer::TarEntry package_db(const Base& base, const std::vector<std::pair<std::string, std::string>>& packages) {
  if (base.apk) return {"lib/apk/db/installed", apk_installed(packages)};
  return {"var/lib/dpkg/status", dpkg_status(packages)};
}

}  // namespace

Fleet write_fleet(const std::string& dir, const FleetSpec& spec) {
  std::mt19937_64 rng(spec.seed);
  const auto& all_bases = bases();
  std::vector<image_writer::LayerBlob> base_layers;
  for (const Base& b : all_bases) {
    base_layers.push_back(image_writer::make_layer({{"etc/os-release", b.os_release}, package_db(b, b.packages)}));
  }
  // Middle layer m sits on base m % bases and replaces its package database with a longer one.
  std::vector<image_writer::LayerBlob> middle_layers;
  for (int m = 0; m < spec.middles; ++m) {
    const Base& b = all_bases[static_cast<std::size_t>(m) % all_bases.size()];
    auto packages = b.packages;
    packages.emplace_back("middleware-" + std::to_string(m), "1." + std::to_string(m) + "-1");
    middle_layers.push_back(image_writer::make_layer({package_db(b, packages), {"opt/middle-" + std::to_string(m), "m"}}));
  }
  std::vector<image_writer::ImageSpec> images;
  std::set<std::string> unique;
  Fleet fleet;
  for (int i = 0; i < spec.images; ++i) {
    image_writer::ImageSpec image;
    char tag[16];
    std::snprintf(tag, sizeof tag, "img-%03d", i);
    image.tag = tag;
    const int m = spec.middles > 0 ? i % spec.middles : -1;
    const std::size_t base = m >= 0 ? static_cast<std::size_t>(m) % all_bases.size()
                                    : static_cast<std::size_t>(i) % all_bases.size();
    image.layers.push_back(base_layers[base]);
    if (m >= 0) image.layers.push_back(middle_layers[static_cast<std::size_t>(m)]);
    std::string app(spec.app_bytes, '\0');
    for (auto& c : app) c = static_cast<char>(rng());
    image.layers.push_back(image_writer::make_layer({{"app/" + std::string(tag) + "/server", app}}));
    for (const auto& l : image.layers) unique.insert(l.diff_id);
    fleet.layer_references += image.layers.size();
    fleet.refs.push_back("oci:" + dir + ":" + tag);
    images.push_back(std::move(image));
  }
  fleet.digests = image_writer::write_oci_layout(dir, images);
  fleet.unique_layers = unique.size();
  return fleet;
}

}  // namespace strata::loadtest
