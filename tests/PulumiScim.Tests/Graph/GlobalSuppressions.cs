// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;

[assembly: SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The Pulumi SCIM reader's tests are being reworked on another branch; their stubs and tokens get 'using' there.", Scope = "type", Target = "~T:PulumiScim.Tests.Graph.PulumiScimReaderTests")]
