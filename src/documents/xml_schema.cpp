#include "skybill/documents/xml_schema.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace skybill::documents {
namespace {

struct SchemaFree {
  void operator()(xmlSchema* s) const { xmlSchemaFree(s); }
};
struct SchemaParserFree {
  void operator()(xmlSchemaParserCtxt* c) const { xmlSchemaFreeParserCtxt(c); }
};
struct ValidFree {
  void operator()(xmlSchemaValidCtxt* c) const { xmlSchemaFreeValidCtxt(c); }
};
struct ParserFree {
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

// libxml2 2.12 made the error const.
#if LIBXML_VERSION >= 21200
using ErrorPtr = const xmlError*;
#else
using ErrorPtr = xmlError*;
#endif

std::string describe(const xmlError* e) {
  std::string message = e && e->message ? e->message : "unknown error";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (e && e->line > 0) return "line " + std::to_string(e->line) + ": " + message;
  return message;
}

void collect(void* sink, ErrorPtr error) {
  if (error && error->level >= XML_ERR_ERROR) static_cast<std::vector<std::string>*>(sink)->push_back(describe(error));
}

void init_libxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

std::shared_ptr<xmlSchema> parse_schema(const std::string& path) {
  // Checked here so that libxml2 does not print its own I/O warning first.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || !std::ifstream(path))
    throw std::runtime_error("cannot read the XML schema " + path);
  std::vector<std::string> errors;
  const std::unique_ptr<xmlSchemaParserCtxt, SchemaParserFree> ctxt(xmlSchemaNewParserCtxt(path.c_str()));
  if (!ctxt) throw std::runtime_error("cannot read the XML schema " + path);
  xmlSchemaSetParserStructuredErrors(ctxt.get(), collect, &errors);
  std::shared_ptr<xmlSchema> schema(xmlSchemaParse(ctxt.get()), SchemaFree{});
  if (!schema) {
    std::string what = "cannot load the XML schema " + path;
    for (const auto& e : errors) what += "; " + e;
    throw std::runtime_error(what);
  }
  return schema;
}

// A parsed schema is read-only, so one per path serves every thread; each validation has its
// own context.
std::shared_ptr<xmlSchema> schema_for(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<xmlSchema>> cache;
  const std::lock_guard lock(mutex);
  if (auto it = cache.find(path); it != cache.end()) return it->second;
  auto schema = parse_schema(path);
  cache.emplace(path, schema);
  return schema;
}

// No entity substitution, no DTD loading, no network; errors are read, not printed.
std::unique_ptr<xmlDoc, DocFree> read(std::string_view xml, std::vector<std::string>& errors) {
  if (xml.size() > static_cast<std::size_t>(INT_MAX)) {
    errors.push_back("the document is too large to validate");
    return nullptr;
  }
  const std::unique_ptr<xmlParserCtxt, ParserFree> ctxt(xmlNewParserCtxt());
  if (!ctxt) throw std::bad_alloc();
  constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, kOptions));
  if (!doc || !ctxt->wellFormed) {
    errors.push_back("not well-formed XML: " + describe(&ctxt->lastError));
    return nullptr;
  }
  return doc;
}

}  // namespace

std::vector<std::string> validate_xml(std::string_view xml, const std::string& xsd_path) {
  init_libxml();
  const auto schema = schema_for(xsd_path);
  std::vector<std::string> errors;
  const auto doc = read(xml, errors);
  if (!doc) return errors;
  const std::unique_ptr<xmlSchemaValidCtxt, ValidFree> ctxt(xmlSchemaNewValidCtxt(schema.get()));
  if (!ctxt) throw std::bad_alloc();
  xmlSchemaSetValidStructuredErrors(ctxt.get(), collect, &errors);
  const int rc = xmlSchemaValidateDoc(ctxt.get(), doc.get());
  if (rc != 0 && errors.empty())
    errors.push_back(rc < 0 ? "the validator failed inside libxml2" : "the document does not follow the schema");
  return errors;
}

}  // namespace skybill::documents
