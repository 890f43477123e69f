// Response compression (gzip, zlib): JSON, HTML, scripts, styles, CSV and SVG for clients that
// send "Accept-Encoding: gzip". See docs/architecture.md ("Compression").
#pragma once

#include <string>
#include <string_view>

#include "http/message.hpp"

namespace palermo::http {

// Whether an Accept-Encoding value takes gzip (named, or "*", and not with q=0).
bool acceptsGzip(std::string_view accept_encoding);
// Whether a media type is text worth compressing (images, archives and PDFs are compressed already).
bool compressible(std::string_view content_type);
// gzip of `data` (RFC 1952) at a zlib level (1 fastest .. 9 smallest).
std::string gzip(std::string_view data, int level = 6);
// Compresses `res` in place when the client takes gzip, its type is compressible, it is at least
// a kilobyte, it has no Content-Encoding yet and the route is not one that carries a secret beside
// what a client sent (sign-in and session answers: BREACH); adds "Vary: Accept-Encoding" to what
// could be compressed.
void compressResponse(const Request& req, Response& res);

}  // namespace palermo::http
