// The inventory document, schema "strata.inventory/v1". Others script against this shape: add
// fields, never rename or drop one.
#pragma once

#include <span>
#include <string>

#include "common/inventory.h"

namespace strata {

std::string inventory_json(const ImageInventory& inventory);
// Several images (`--platform all`): a JSON array of inventory documents.
std::string inventory_json(std::span<const ImageInventory> inventories);

std::string inventory_table(std::span<const ImageInventory> inventories);

}  // namespace strata
