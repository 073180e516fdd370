// Copyright 2015-2017 Piprate Limited
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package ld

// TurtleRDFSerializer parses and serializes Turtle data.
type TurtleRDFSerializer struct {
}

// Parse Turtle from string into an RDFDataset
func (s *TurtleRDFSerializer) Parse(input interface{}) (*RDFDataset, error) {
	return nil, NewJsonLdError(NotImplemented, "Turtle not supported")
}

// Serialize an RDFDataset into a Turtle string.
func (s *TurtleRDFSerializer) Serialize(dataset *RDFDataset) (interface{}, error) {
	return nil, NewJsonLdError(NotImplemented, "Turtle not supported")
}
