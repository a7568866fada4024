// The one translation unit that compiles Asio, Beast and Boost.URL (separate compilation).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
#include <boost/url/src.hpp>
