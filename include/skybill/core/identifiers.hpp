#pragma once
// Checks of Russian identifiers: INN (taxpayer number) and KPP (registration reason code).
#include <string_view>

namespace skybill::core {

// 10-digit INN of a legal entity or 12-digit INN of a person, control digits checked.
bool is_valid_inn(std::string_view inn) noexcept;
bool is_legal_entity_inn(std::string_view inn) noexcept;  // valid and 10 digits
// NNNNXXNNN: 4 digits, 2 digits or capital Latin letters, 3 digits; not one repeated digit.
bool is_valid_kpp(std::string_view kpp) noexcept;
// 8-4-4-4-12 hexadecimal digits, as PostgreSQL prints a uuid.
bool is_uuid(std::string_view s) noexcept;

}  // namespace skybill::core
