// Package esspec checks request bodies against Elastic's machine-readable
// Elasticsearch API specification (github.com/elastic/elasticsearch-specification,
// output/schema/schema.json), so that every body threatqbeat's setup and
// export produce is known to be accepted by Elasticsearch's request parsers
// without a cluster: an unknown property, a value of the wrong type, a
// value outside an enum, a missing required property or a container
// (query, processor, dynamic template) with other than one variant fails.
//
// schema.json.gz is the specification trimmed to the endpoints setup calls
// and the types their requests use (README.md says where it comes from and
// how to regenerate it). Validator walks the specification's type system
// as its compiler defines it (compiler/src/model/metamodel.ts):
// interfaces with inheritance, generics and behaviors (AdditionalProperties),
// containers, shortcut properties, type aliases with tagged and untagged
// unions, enums (open or closed, with aliases), dictionaries, arrays,
// literal values and user-defined values.
package esspec
