// Password hashing with Argon2id (libsodium's crypto_pwhash_str, which embeds algorithm,
// parameters and salt in the stored string) and the password policy.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace palermo::auth {

enum class HashCost { Interactive, Moderate, Min };
HashCost hashCostFrom(const std::string& name);

std::string hashPassword(std::string_view password, HashCost cost);
bool verifyPassword(std::string_view password, const std::string& stored_hash);
// True when the stored hash was made with weaker parameters than `cost` asks for now.
bool needsRehash(const std::string& stored_hash, HashCost cost);

// Policy: at least 12 characters (code points), at most 256 bytes, not the login, not only one
// repeated character. Returns the rules broken, each naming `field`.
std::vector<FieldError> checkPasswordPolicy(std::string_view password, std::string_view login,
                                            const std::string& field);

// A random one-time password that meets the policy (for first administrators and resets).
std::string generatePassword();

}  // namespace palermo::auth
