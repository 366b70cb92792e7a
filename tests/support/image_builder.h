// The tests' names for the image writer (common/image/image_writer.h), and a scratch directory.
#pragma once

#include <string>

#include "common/image/image_writer.h"

namespace strata::test {

using image_writer::compress;
using image_writer::make_layer;
using image_writer::make_tar;
using image_writer::sha256_digest;
using image_writer::TarEntry;
using image_writer::write_docker_archive;
using image_writer::write_oci_layout;
using TestLayer = image_writer::LayerBlob;
using TestImage = image_writer::ImageSpec;

std::string temp_dir();  // a new directory under /tmp, removed by the caller

}  // namespace strata::test
