// Image hygiene on layers the tests build: efficiency numbers on a known layer set, a set-id bit
// cleared by a later chmod, build steps in a cache-unfriendly order, and distroless advice.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/image/hygiene.h"
#include "common/image/reference.h"
#include "common/report/inventory_json.h"
#include "tests/support/elf_builder.h"
#include "tests/support/image_builder.h"
#include "common/image/efficiency.h"
#include "worker/analyzer/builtin.h"
#include "worker/api/analyzer_registry.h"
#include "worker/api/image_inventory.h"

namespace strata::worker {
namespace {

using test::TarEntry;

ImageInventory inventory_of(const test::TestImage& image, AnalyzerOptions options = {}) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir, {image});
  auto ref = ImageReference::parse("oci:" + dir, path_exists);
  EXPECT_TRUE(ref);
  const AnalyzerRegistry registry = builtin_analyzers(options);
  auto inventories = inventory_image(*ref, {}, registry);
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(inventories) << inventories.error().message();
  return inventories ? (*inventories)[0] : ImageInventory{};
}

const Misconfiguration* finding(const ImageInventory& inv, std::string_view id) {
  for (const auto& m : inv.misconfigurations) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

// Three layers whose waste is known to the byte: an overwrite, a whiteout, an opaque directory,
// and a path one tar holds twice.
test::TestImage wasteful_image() {
  test::TestImage image;
  image.layers.push_back(test::make_layer({
      {"opt/", "", TarEntry::Kind::kDir, 0755},
      {"opt/big.bin", std::string(3'000'000, 'b')},
      {"etc/app.conf", std::string(100, 'c')},
      {"tmp/cache.tar", std::string(2'000'000, 't')},
  }));
  image.layers.push_back(test::make_layer({
      {"etc/app.conf", std::string(200, 'C')},
      {"tmp/.wh.cache.tar", ""},
      {"app/run", std::string(50, 'r')},
      {"app/dup", std::string(500, '1')},
      {"app/dup", std::string(700, '2')},
  }));
  image.layers.push_back(test::make_layer({
      {"opt/.wh..wh..opq", ""},
      {"opt/new", std::string(10, 'n')},
  }));
  return image;
}

TEST(Hygiene, EfficiencyOfAKnownLayerSet) {
  const test::TestImage image = wasteful_image();
  const ImageInventory inv = inventory_of(image);
  const ImageEfficiency& e = inv.view.efficiency;
  ASSERT_TRUE(e.measured);
  ASSERT_EQ(e.layers.size(), 3u);
  EXPECT_EQ(e.layers[0].bytes_added, 5'000'100u);
  EXPECT_EQ(e.layers[0].files_added, 3u);
  EXPECT_EQ(e.layers[0].bytes_wasted, 5'000'100u);  // overwritten, deleted, emptied
  EXPECT_EQ(e.layers[0].files_wasted, 3u);
  EXPECT_EQ(e.layers[1].bytes_added, 1'450u);
  EXPECT_EQ(e.layers[1].bytes_wasted, 500u);  // the first copy of app/dup
  EXPECT_EQ(e.layers[2].bytes_added, 10u);
  EXPECT_EQ(e.layers[2].bytes_wasted, 0u);
  EXPECT_EQ(e.total_bytes, 5'001'560u);
  EXPECT_EQ(e.wasted_bytes, 5'000'600u);
  EXPECT_DOUBLE_EQ(e.score, 960.0 / 5'001'560.0);
  ASSERT_EQ(e.largest_wasted.size(), 4u);
  EXPECT_EQ(e.largest_wasted[0].path, "opt/big.bin");
  EXPECT_EQ(e.largest_wasted[0].layer, image.layers[0].diff_id);
  EXPECT_EQ(e.largest_wasted[0].hidden_by, image.layers[2].diff_id);
  EXPECT_TRUE(e.largest_wasted[0].deleted);
  EXPECT_EQ(e.largest_wasted[1].path, "tmp/cache.tar");
  EXPECT_EQ(e.largest_wasted[2].path, "app/dup");
  EXPECT_EQ(e.largest_wasted[2].hidden_by, image.layers[1].diff_id);  // by its own layer
  EXPECT_FALSE(e.largest_wasted[2].deleted);
  EXPECT_EQ(e.largest_wasted[3].path, "etc/app.conf");

  const Misconfiguration* waste = finding(inv, "STRATA-HYG-002");
  ASSERT_NE(waste, nullptr);
  EXPECT_EQ(waste->layer, image.layers[0].diff_id);
  EXPECT_EQ(waste->evidence[0], "efficiency 0.0%: 5.0 MB of 5.0 MB hidden by later writes");
  EXPECT_EQ(waste->evidence[1], "opt/big.bin 3.0 MB (deleted in " + image.layers[2].diff_id.substr(0, 19) + ")");

  // The same numbers in the inventory document, per layer and for the image.
  const auto doc = nlohmann::json::parse(inventory_json(inv));
  EXPECT_EQ(doc["image"]["layers"][1]["efficiency"]["bytes_wasted"], 500);
  EXPECT_EQ(doc["image"]["layers"][0]["efficiency"]["files_added"], 3);
  EXPECT_EQ(doc["hygiene"]["efficiency"]["wasted_bytes"], 5'000'600);
  EXPECT_EQ(doc["hygiene"]["efficiency"]["largest_wasted"][0]["how"], "deleted");
  EXPECT_EQ(doc["hygiene"]["distroless"], true);
}

TEST(Hygiene, NotMeasuredWithTheConfigScannerOff) {
  const ImageInventory inv = inventory_of(wasteful_image(), {.config = false});
  EXPECT_FALSE(inv.view.efficiency.measured);
  const auto doc = nlohmann::json::parse(inventory_json(inv));
  EXPECT_TRUE(doc["hygiene"].is_null());
  EXPECT_FALSE(doc["image"]["layers"][0].contains("efficiency"));
}

TEST(Hygiene, AModeChangedInALaterLayerReplacesTheOneBelow) {
  test::TestImage image;
  image.layers.push_back(test::make_layer({
      {"usr/bin/passwd", "elf", TarEntry::Kind::kFile, 04755},
      {"usr/bin/newgrp", "elf", TarEntry::Kind::kFile, 04755},
      {"srv/", "", TarEntry::Kind::kDir, 0777},
  }));
  // `chmod u-s /usr/bin/passwd && chmod o-w /srv`: both copied up with their new modes.
  image.layers.push_back(test::make_layer({
      {"usr/bin/passwd", "elf", TarEntry::Kind::kFile, 0755},
      {"srv/", "", TarEntry::Kind::kDir, 0755},
  }));
  const ImageInventory inv = inventory_of(image);
  const Misconfiguration* setid = finding(inv, "STRATA-FS-001");
  ASSERT_NE(setid, nullptr);
  EXPECT_EQ(setid->evidence, std::vector<std::string>{"usr/bin/newgrp (4755)"});
  EXPECT_EQ(finding(inv, "STRATA-FS-002"), nullptr);
  // The rewrite wasted the first copy's three bytes.
  EXPECT_EQ(inv.view.efficiency.layers[0].bytes_wasted, 3u);
}

test::TestImage built_image(const std::string& history_json) {
  test::TestImage image;
  image.layers.push_back(test::make_layer({{"bin/sh", "elf"}, {"usr/bin/dpkg", "elf"}}));
  std::vector<TarEntry> app;
  for (int i = 0; i < 20; ++i) app.push_back({"app/src/module" + std::to_string(i) + ".py", "print(1)\n"});
  image.layers.push_back(test::make_layer(app));
  image.layers.push_back(test::make_layer({{"usr/local/lib/python3.11/site-packages/big.so", std::string(12'000'000, 'x')}}));
  image.history_json = history_json;
  image.runtime_json = R"({"User": "app", "Healthcheck": {"Test": ["CMD", "true"]}, "Cmd": ["python3", "/app/src/module0.py"]})";
  return image;
}

TEST(Hygiene, ApplicationCopiedBeforeALargeInstallIsFlagged) {
  const test::TestImage image = built_image(R"([
      {"created_by": "/bin/sh -c #(nop) ADD file:0a1b2c in / "},
      {"created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": true},
      {"created_by": "COPY . /app # buildkit"},
      {"created_by": "RUN /bin/sh -c pip install --no-cache-dir -r /app/requirements.txt # buildkit"}])");
  const ImageInventory inv = inventory_of(image);
  const Misconfiguration* order = finding(inv, "STRATA-HYG-001");
  ASSERT_NE(order, nullptr);
  EXPECT_EQ(order->layer, image.layers[1].diff_id);
  ASSERT_EQ(order->evidence.size(), 2u);
  EXPECT_EQ(order->evidence[0], "step 3: COPY . /app (180 B)");
  EXPECT_EQ(order->evidence[1], "step 4: RUN pip install --no-cache-dir -r /app/requirements.txt (12.0 MB)");
}

TEST(Hygiene, ManifestsCopiedBeforeTheInstallAreTheGoodOrder) {
  const test::TestImage image = built_image(R"([
      {"created_by": "/bin/sh -c #(nop) ADD file:0a1b2c in / "},
      {"created_by": "COPY requirements.txt /app/ # buildkit"},
      {"created_by": "RUN /bin/sh -c pip install -r /app/requirements.txt # buildkit"}])");
  EXPECT_EQ(finding(inventory_of(image), "STRATA-HYG-001"), nullptr);
}

TEST(Hygiene, ASingleRuntimeAppOnAFullDistroCouldBeDistroless) {
  const test::TestImage image = built_image("");
  const ImageInventory inv = inventory_of(image);
  const Misconfiguration* advice = finding(inv, "STRATA-HYG-003");
  ASSERT_NE(advice, nullptr);
  EXPECT_EQ(advice->evidence[0], "starts python3: the Python runtime");
  const BaseTools tools = base_tools(inv.view.facts);
  EXPECT_EQ(tools.shells, std::vector<std::string>{"bin/sh"});
  EXPECT_EQ(tools.package_managers, std::vector<std::string>{"usr/bin/dpkg"});
  EXPECT_FALSE(tools.distroless());
}

TEST(Hygiene, AGoBinaryOnAFullDistroCouldBeDistrolessAndOnScratchIs) {
  const std::string modinfo = test::go_modinfo("path\texample.com/svc\nmod\texample.com/svc\tv1.4.0\th1:x=\n");
  const std::string go_binary =
      test::make_elf({{".text", std::string(2048, '\x90')}, {".go.buildinfo", test::go_buildinfo_inline("go1.22.1", modinfo)}}).bytes;
  test::TestImage full;
  full.layers.push_back(test::make_layer({{"bin/bash", "elf"}, {"sbin/apk", "elf"}}));
  full.layers.push_back(test::make_layer({{"srv/svc", go_binary, TarEntry::Kind::kFile, 0755}}));
  full.runtime_json = R"({"WorkingDir": "/srv", "Entrypoint": ["/sbin/tini", "--", "./svc"]})";
  const ImageInventory on_full = inventory_of(full);
  const Misconfiguration* advice = finding(on_full, "STRATA-HYG-003");
  ASSERT_NE(advice, nullptr);
  EXPECT_EQ(advice->evidence[0], "starts srv/svc: a Go binary");

  test::TestImage scratch;
  scratch.layers.push_back(test::make_layer({{"srv/svc", go_binary, TarEntry::Kind::kFile, 0755}}));
  scratch.runtime_json = R"({"Entrypoint": ["/srv/svc"]})";
  const ImageInventory inv = inventory_of(scratch);
  EXPECT_EQ(finding(inv, "STRATA-HYG-003"), nullptr);
  EXPECT_TRUE(base_tools(inv.view.facts).distroless());
}

// Issue 14, defect 8: a layer's file listing was unbounded (a million entries with long paths is
// gigabytes of one job's memory). It now stops at its bound, says so, and efficiency is then not
// measured instead of measured from part of the layer.
TEST(Hygiene, TheFileListingStopsAtItsMemoryBoundAndEfficiencyIsNotMeasured) {
  const auto facts = make_file_facts_analyzer();
  LayerAnalysis out;
  const std::string long_dir(1000, 'd');
  struct NoContent final : EntryContent {
    NoContent() : EntryContent(0, 0) {}
    Result<std::size_t> read_some(std::span<std::byte>) override { return 0; }
  } content;
  std::size_t offered = 0;
  for (; offered < 40'000; ++offered) {
    const std::string path = long_dir + "/" + std::to_string(offered);
    ASSERT_TRUE(facts->analyze(EntryInfo{path, EntryType::kRegular, 0644, 10, {}}, content, out));
  }
  EXPECT_TRUE(out.facts.entries_truncated);
  EXPECT_LT(out.facts.entries.size(), offered);
  EXPECT_GT(out.facts.entries.size(), 30'000u);  // ~32 MiB of 1 KiB paths
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("efficiency is not measured"), std::string::npos);
  const LayerRef ref{"sha256:l", &out};
  EXPECT_FALSE(measure_efficiency({&ref, 1}).measured);
}

}  // namespace
}  // namespace strata::worker
