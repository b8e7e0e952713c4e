// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;

[assembly: SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Test names read as Subject_Behavior.", Scope = "namespaceanddescendants", Target = "~N:PulumiScim.Tests.Provisioning")]
