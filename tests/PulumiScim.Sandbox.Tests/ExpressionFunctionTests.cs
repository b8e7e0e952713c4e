// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using PulumiScim.Sandbox.Engine.Expressions;

namespace PulumiScim.Sandbox.Tests;

/// <summary>
/// The examples of Microsoft's "Reference for writing expressions for attribute mappings in Microsoft Entra ID"
/// (learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data, MicrosoftDocs/entra-docs
/// docs/identity/app-provisioning/functions-for-customizing-application-data.md), each with its documented input and output.
/// </summary>
public sealed class ExpressionFunctionTests
{
    /// <summary>Expression, source attributes as "name=value" pairs ("name=" is an empty string, "name~" null), expected single output (null: no value).</summary>
    public static TheoryData<string, string[], string?> DocumentedExamples => new()
    {
        // Append: "Append constant suffix to user name".
        { "Append([userPrincipalName], \".test\")", ["userPrincipalName=John.Doe@contoso.com"], "John.Doe@contoso.com.test" },

        // BitAnd: 11110111 AND 00000111.
        { "BitAnd(&HF, &HF7)", [], "7" },

        // CBool: "Returns True if both attributes have the same value."
        { "CBool([attribute1] = [attribute2])", ["attribute1=x", "attribute2=x"], "True" },
        { "CBool([attribute1] = [attribute2])", ["attribute1=x", "attribute2=y"], "False" },

        // CDate: the three examples; the output is the UTC equivalent.
        { "CDate([StatusHireDate])", ["StatusHireDate=2020-03-16-07:00"], "3/16/2020 7:00:00 AM" },
        { "CDate(\"2021-06-30+08:00\")", [], "6/29/2021 4:00:00 PM" },
        { "CDate(\"2009-06-15T01:45:30-07:00\")", [], "6/15/2009 8:45:30 AM" },

        // Coalesce: "Flow mail value if not NULL, otherwise flow userPrincipalName".
        { "Coalesce([mail],[userPrincipalName])", ["mail~", "userPrincipalName=John.Doe@contoso.com"], "John.Doe@contoso.com" },

        // ConvertToBase64 / ConvertToUTF8Hex.
        { "ConvertToBase64(\"Hello world!\")", [], "SABlAGwAbABvACAAdwBvAHIAbABkACEA" },
        { "ConvertToUTF8Hex(\"Hello world!\")", [], "48656C6C6F20776F726C6421" },

        // CStr.
        { "CStr([dn])", ["dn=cn=Joe,dc=contoso,dc=com"], "cn=Joe,dc=contoso,dc=com" },

        // DateAdd: "Generate a date value based on incoming StatusHireDate from Workday".
        { "DateAdd(\"d\", 7, CDate([StatusHireDate]))", ["StatusHireDate=2012-03-16-07:00"], "3/23/2012 7:00:00 AM" },
        { "DateAdd(\"d\", -10, CDate([StatusHireDate]))", ["StatusHireDate=2012-03-16-07:00"], "3/6/2012 7:00:00 AM" },
        { "DateAdd(\"ww\", 2, CDate([StatusHireDate]))", ["StatusHireDate=2012-03-16-07:00"], "3/30/2012 7:00:00 AM" },
        { "DateAdd(\"m\", 10, CDate([StatusHireDate]))", ["StatusHireDate=2012-03-16-07:00"], "1/16/2013 7:00:00 AM" },
        { "DateAdd(\"yyyy\", 2, CDate([StatusHireDate]))", ["StatusHireDate=2012-03-16-07:00"], "3/16/2014 7:00:00 AM" },

        // DateDiff: the table of Example 1.
        { "DateDiff(\"d\", CDate(\"2021-08-18+08:00\"), CDate(\"2021-08-31+08:00\"))", [], "13" },
        { "DateDiff(\"d\", \"8/25/2021 5:41:18 PM\", CDate(\"2012-03-16-07:00\"))", [], "-3449" },
        { "DateDiff(\"ww\", \"8/25/2021 5:41:18 PM\", CDate(\"2012-03-16-07:00\"))", [], "-493" },
        { "DateDiff(\"m\", \"8/25/2021 5:41:18 PM\", CDate(\"2012-03-16-07:00\"))", [], "-113" },
        { "DateDiff(\"yyyy\", \"8/25/2021 5:41:18 PM\", CDate(\"2012-03-16-07:00\"))", [], "-9" },
        { "DateDiff(\"d\", CDate(\"2021-08-31+08:00\"), CDate(\"2021-08-31+08:00\"))", [], "0" },
        { "DateDiff(\"h\", \"2021-08-24\", \"2021-08-25\")", [], "24" },
        { "DateDiff(\"n\", \"2021-08-24\", \"2021-08-25\")", [], "1440" },
        { "DateDiff(\"s\", \"2021-08-24\", \"2021-08-25\")", [], "86400" },

        // DateFromNum: "Returns a DateTime representing January 1, 2012 at 11:00PM."
        { "DateFromNum(129699324000000000)", [], "1/1/2012 11:00:00 PM" },

        // FormatDateTime: "Output date as a string in a certain format".
        { "FormatDateTime([extensionAttribute1], , \"yyyyMMddHHmmss.fZ\", \"yyyy-MM-dd\")", ["extensionAttribute1=20150123105347.1Z"], "2015-01-23" },

        // IgnoreFlowIfNullOrEmpty, Example 2.
        { "IgnoreFlowIfNullOrEmpty(Switch([prefix], \"\", \"3443\", \"Dr.\", \"3444\", \"Prof.\", \"3445\", \"Prof. Dr.\"))", ["prefix=3444"], "Prof." },
        { "IgnoreFlowIfNullOrEmpty(Switch([prefix], \"\", \"3443\", \"Dr.\", \"3444\", \"Prof.\", \"3445\", \"Prof. Dr.\"))", ["prefix=9999"], null },
        { "IgnoreFlowIfNullOrEmpty([department])", ["department="], null },

        // IIF: the example and the AND/OR workarounds of "Known limitations".
        { "IIF([country]=\"USA\",[country],[department])", ["country=USA", "department=Sales"], "USA" },
        { "IIF([country]=\"USA\",[country],[department])", ["country=FR", "department=Sales"], "Sales" },
        { "IIF([country]=\"USA\",IIF([state]=\"CA\",\"True\",\"False\"),\"False\")", ["country=USA", "state=CA"], "True" },
        { "IIF([country]=\"USA\",IIF([state]=\"CA\",\"True\",\"False\"),\"False\")", ["country=USA", "state=WA"], "False" },
        { "IIF([country]=\"USA\",\"True\",IIF([state]=\"CA\",\"True\",\"False\"))", ["country=FR", "state=CA"], "True" },

        // The recommended workaround for empty values: Switch([country],[country],"","Other").
        { "Switch([country],[country],\"\",\"Other\")", ["country~"], "Other" },
        { "Switch([country],[country],\"\",\"Other\")", ["country=Norway"], "Norway" },

        // DateDiff Example 2, combined with IIF and Switch (the hire date is in the past, so more than five days is false).
        { "Switch([Active], , \n  \"1\", IIF(DateDiff(\"d\", Now(), CDate([StatusHireDate])) > 5, \"False\", \"True\"), \n  \"0\", \"False\")", ["Active=1", "StatusHireDate=2012-03-16-07:00"], "True" },
        { "Switch([Active], , \n  \"1\", IIF(DateDiff(\"d\", Now(), CDate([StatusHireDate])) > 5, \"False\", \"True\"), \n  \"0\", \"False\")", ["Active=0", "StatusHireDate=2012-03-16-07:00"], "False" },

        // InStr.
        { "InStr(\"The quick brown fox\",\"quick\")", [], "5" },
        { "InStr(\"repEated\",\"e\",3,vbBinaryCompare)", [], "7" },

        // IsNull / IsNullOrEmpty / IsPresent.
        { "IsNull([displayName])", [], "True" },
        { "IsNull([displayName])", ["displayName="], "False" },
        { "IsNullOrEmpty([displayName])", ["displayName="], "True" },
        { "IsNullOrEmpty([displayName])", [], "True" },
        { "IsPresent([displayName])", ["displayName=Ada"], "True" },
        { "Switch(IsPresent([directManager]),[directManager], IsPresent([skiplevelManager]),[skiplevelManager], IsPresent([director]),[director])", ["directManager=alice"], "alice" },

        // Left: "Returns "Joh"" and the documented edge cases.
        { "Left(\"John Doe\", 3)", [], "Joh" },
        { "Left(\"John Doe\", 0)", [], "" },
        { "Left(\"John Doe\", -1)", [], "John Doe" },
        { "Left(\"John Doe\", 30)", [], "John Doe" },
        { "Left([missing], 3)", [], "" },

        // Mid: attributeMappingSource sample (Graph docs) and the alias example.
        { "Mid([userPrincipalName], 1, 8)", ["userPrincipalName=johnsmith@contoso.com"], "johnsmi" + "t" },
        { "Append(Mid([givenName], 1, 3), Mid([surname], 1, 5))", ["givenName=John", "surname=Doe"], "JohDoe" },

        // NormalizeDiacritics: "Remove diacritics from a string", and rows of its table.
        { "NormalizeDiacritics([givenName])", ["givenName=Zoë"], "Zoe" },
        { "NormalizeDiacritics(\"Ærøskøbing Łódź Straße İzmir ǣ\")", [], "AEroeskoebing Lodz Strasse Izmir ae" },

        // Not.
        { "Not([IsSoftDeleted])", ["IsSoftDeleted=False"], "True" },
        { "Not([IsSoftDeleted])", ["IsSoftDeleted=True"], "False" },

        // PCase: the three rows of the example table.
        { "PCase([firstName])", ["firstName=PABLO GONSALVES (SECOND)"], "Pablo Gonsalves (Second)" },
        { "PCase([lastName],\" '-\")", ["lastName=PINTO-DE'SILVA"], "Pinto-De'Silva" },
        { "PCase(Join(\" \",[firstName],[lastName]))", ["firstName=GREGORY", "lastName=JAMES"], "Gregory James" },

        // Redact only affects the logs.
        { "Redact([userPrincipalName])", ["userPrincipalName=a@b.example"], "a@b.example" },

        // Replace: Examples 1 to 6.
        { "Replace([BusinessTitle],\"Product Developer\", , , \"Software Engineer\", , )", ["BusinessTitle=Product Developer"], "Software Engineer" },
        { "Replace([UserID],\"<username>\", , , , , \"<username>@contoso.com\")", ["UserID=jsmith"], "jsmith@contoso.com" },
        { "Replace([telephoneNumber], , \"\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})\", , \"${phoneNumber}\", , )", ["telephoneNumber=+91 9998887777"], "9998887777" },

        // The reference claims "19998887777" here, but its pattern [()\s-]+ keeps the leading '+'.
        { "Replace([mobile], , \"[()\\\\s-]+\", , \"\", , )", ["mobile=+1 (999) 888-7777"], "+19998887777" },
        { "Replace([AddressLineData], ,\"(?<streetNumber>^\\\\d*)\",\"streetNumber\", \"888\", , )", ["AddressLineData=545 Tremont Street"], "888 Tremont Street" },
        { "Replace([userPrincipalName], , \"(?<Suffix>@(.)*)\", \"Suffix\", \"\", , )", ["userPrincipalName=jsmith@contoso.com"], "jsmith" },
        { "Replace([telephoneNumber], , \"\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})\", \"phoneNumber\" , , [mobile], )", ["telephoneNumber=", "mobile=+91 8887779999"], "8887779999" },
        { "Replace([mailNickname], , \"[a-zA-Z_]*\", , \"\", , )", ["mailNickname=john_doe72"], "72" },

        // "Strip known domain name".
        { "Replace([mail], \"@contoso.com\", , ,\"\", ,)", ["mail=john.doe@contoso.com"], "john.doe" },

        // Graph's parseExpression example (synchronization-synchronizationschema-parseexpression.md).
        { "Replace([preferredLanguage], \"-\", , , \"_\", ,  )", ["preferredLanguage=EN-US"], "EN_US" },

        // Switch: the time-zone example, the case-insensitive note and the empty-value caution.
        { "Switch([state], \"Australia/Sydney\", \"NSW\", \"Australia/Sydney\",\"QLD\", \"Australia/Brisbane\", \"SA\", \"Australia/Adelaide\")", ["state=QLD"], "Australia/Brisbane" },
        { "Switch([state], \"Australia/Sydney\", \"NSW\", \"Australia/Sydney\",\"QLD\", \"Australia/Brisbane\", \"SA\", \"Australia/Adelaide\")", ["state=VIC"], "Australia/Sydney" },
        { "Switch([state], \"Australia/Sydney\", \"NSW\", \"Australia/Sydney\",\"QLD\", \"Australia/Brisbane\")", ["state=qld"], "Australia/Sydney" },
        { "Switch(ToLower([statusFlag]), \"0\", \"true\", \"1\", \"false\", \"0\")", ["statusFlag=TRUE"], "1" },
        { "Switch([statusFlag], \"Default Value\", \"true\", \"1\", \"\", \"0\")", ["statusFlag="], "0" },

        // The scim template's active mapping: an empty defaultValue argument.
        { "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")", ["IsSoftDeleted=False"], "True" },
        { "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")", ["IsSoftDeleted=True"], "False" },
        { "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")", ["IsSoftDeleted=maybe"], null },

        // ToLower: "Convert generated userPrincipalName (UPN) value to lower case"; SelectUniqueValue's first rule.
        { "ToLower(Join(\"@\", NormalizeDiacritics(StripSpaces(Join(\".\",  [PreferredFirstName], [PreferredLastName]))), \"contoso.com\"))", ["PreferredFirstName=John", "PreferredLastName=Smith"], "john.smith@contoso.com" },
        { "Join(\"@\", NormalizeDiacritics(StripSpaces(Join(\".\",  Mid([PreferredFirstName], 1, 1), [PreferredLastName]))), \"contoso.com\")", ["PreferredFirstName=John", "PreferredLastName=Smith"], "J.Smith@contoso.com" },
        { "ToUpper([mailNickname])", ["mailNickname=ada"], "ADA" },
        { "Trim(\"  ada  \")", [], "ada" },
        { "StripSpaces(\"Ada  Love lace\")", [], "AdaLovelace" },

        // Word.
        { "Word(\"The quick brown fox\",3,\" \")", [], "brown" },
        { "Word(\"This,string!has&many separators\",3,\",!&#\")", [], "has" },
        { "Word(\"The quick brown fox\",0,\" \")", [], "" },
        { "Word(\"The quick brown fox\",9,\" \")", [], "" },

        // Examples section: "Add a comma between last name and first name."
        { "Join(\", \", \"\", [surname], [givenName])", ["givenName=John", "surname=Doe"], "Doe, John" },
        { "Join(\" \", [givenName], [surname])", ["givenName=Ada", "surname=Lovelace"], "Ada Lovelace" },

        // Numbers are constants too.
        { "Join(\"\", 1000, \"7\")", [], "10007" },
    };

    [Theory]
    [MemberData(nameof(DocumentedExamples))]
    public void DocumentedExampleGivesDocumentedOutput(string expression, string[] attributes, string? expected)
    {
        ExpressionValue result = Expression.Parse(expression).Evaluate(Source(attributes));
        Assert.False(result.IsMultiValued);
        Assert.Equal(expected, result.AsString);
    }

    [Fact]
    public void CoalesceAllNullGivesNull()
    {
        Assert.True(Expression.Parse("Coalesce([a], [b])").Evaluate(Source([])).IsNull);
    }

    [Fact]
    public void ItemReturnsTheOneBasedItemAndRejectsIndexZero()
    {
        var source = ExpressionSource.FromDictionary(new Dictionary<string, object?> { ["proxyAddresses"] = Many("SMTP:a@x", "smtp:b@x") });
        Assert.Equal("SMTP:a@x", Expression.Parse("Item([proxyAddresses], 1)").Evaluate(source).AsString);
        Assert.Equal("smtp:b@x", Expression.Parse("Item([proxyAddresses], 2)").Evaluate(source).AsString);
        Assert.True(Expression.Parse("Item([proxyAddresses], 3)").Evaluate(source).IsNull);
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse("Item([proxyAddresses], 0)").Evaluate(source));
        Assert.Equal(ExpressionErrorKind.Evaluation, ex.Kind);
    }

    [Fact]
    public void SplitGivesAMultiValuedResult()
    {
        // "Split a string into a multi-valued array".
        ExpressionValue v = Expression.Parse("Split([extensionAttribute5], \",\")").Evaluate(Source(["extensionAttribute5=PermissionSetOne, PermissionSetTwo"]));
        Assert.True(v.IsMultiValued);
        Assert.Equal(["PermissionSetOne", "PermissionSetTwo"], v.Values);
    }

    [Fact]
    public void JoinMultiValuedSourceJoinsEveryValue()
    {
        var source = ExpressionSource.FromDictionary(new Dictionary<string, object?> { ["proxyAddresses"] = Many("a", "b"), ["x"] = "c" });
        Assert.Equal("a;b;c", Expression.Parse("Join(\";\", [proxyAddresses], [x])").Evaluate(source).AsString);
    }

    [Fact]
    public void CountAndRemoveDuplicatesWorkOnMultiValuedAttributes()
    {
        var source = ExpressionSource.FromDictionary(new Dictionary<string, object?> { ["proxyAddresses"] = Many("a", "b", "a") });
        Assert.Equal("3", Expression.Parse("Count([proxyAddresses])").Evaluate(source).AsString);
        Assert.Equal(["a", "b"], Expression.Parse("RemoveDuplicates([proxyAddresses])").Evaluate(source).Values);
    }

    [Fact]
    public void SingleAppRoleAssignmentReturnsTheRoleName()
    {
        var source = ExpressionSource.FromDictionary(new Dictionary<string, object?> { ["appRoleAssignments"] = Many("User") });
        Assert.Equal("User", Expression.Parse("SingleAppRoleAssignment([appRoleAssignments])").Evaluate(source).AsString);
        Assert.True(Expression.Parse("SingleAppRoleAssignment([appRoleAssignments])").Evaluate(Source([])).IsNull);
    }

    [Theory]
    [InlineData("IIF([country]=\"\",\"Other\",[country])")]
    [InlineData("IIF(IsNullOrEmpty([country]),\"Other\",[country])")]
    [InlineData("IIF(IsPresent([country]),[country],\"Other\")")]
    public void IifWithNullAttributeInConditionFails(string expression)
    {
        // "Known limitations": "If the source attribute used within the IIF function is empty or null, the condition check fails."
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(expression).Evaluate(Source(["country~"])));
        Assert.Equal(ExpressionErrorKind.Evaluation, ex.Kind);
        Assert.Contains("[country]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomStringHonoursTheMinimums()
    {
        // RandomString(6,3,0,0,3): "6 characters ... 3 numbers and 3 lower case characters"; Example 2 avoids "?" and ",".
        string s = Expression.Parse("RandomString(6,3,0,0,3)").Evaluate(Source([])).AsString!;
        Assert.Equal(6, s.Length);
        Assert.Equal(3, s.Count(char.IsAsciiDigit));
        Assert.Equal(3, s.Count(char.IsAsciiLetterLower));
        string t = Expression.Parse("RandomString(10,2,2,2,1,\"?,\")").Evaluate(Source([])).AsString!;
        Assert.Equal(10, t.Length);
        Assert.DoesNotContain('?', t);
        Assert.DoesNotContain(',', t);
        Assert.True(t.Count(char.IsAsciiDigit) >= 2 && t.Count(char.IsAsciiLetterUpper) >= 2 && t.Any(char.IsAsciiLetterLower));
    }

    [Fact]
    public void GuidAndNowProduceFreshValues()
    {
        Assert.True(Guid.TryParse(Expression.Parse("Guid()").Evaluate(Source([])).AsString, out _));
        string now = Expression.Parse("Now()").Evaluate(Source([])).AsString!;
        Assert.True(DateTime.TryParseExact(now, "M/d/yyyy h:mm:ss tt", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _));
    }

    [Fact]
    public void NumFromDateConvertsToActiveDirectoryTime()
    {
        // The Workday example: NumFromDate(Join("", FormatDateTime([ContractEndDate], ,"yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00")).
        string v = Expression.Parse("NumFromDate(Join(\"\", FormatDateTime([ContractEndDate], ,\"yyyy-MM-ddzzz\", \"yyyy-MM-dd\"), \" 23:59:59-08:00\"))")
            .Evaluate(Source(["ContractEndDate=2020-12-31-08:00"])).AsString!;
        Assert.Equal(new DateTimeOffset(2020, 12, 31, 23, 59, 59, TimeSpan.FromHours(-8)).ToFileTime().ToString(System.Globalization.CultureInfo.InvariantCulture), v);
    }

    [Fact]
    public void SelectUniqueValueIsNotSupportedForScimApps()
    {
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse("SelectUniqueValue([a], [b])").Evaluate(Source(["a=x", "b=y"])));
        Assert.Equal(ExpressionErrorKind.Evaluation, ex.Kind);
    }

    [Theory]
    [InlineData("Mid([x], 0, 2)")]
    [InlineData("Mid([x], 1, -1)")]
    [InlineData("Left([x], \"three\")")]
    [InlineData("IIF([x], \"a\", \"b\")")]
    [InlineData("Replace([x], , \"(\", , \"\", , )")]
    [InlineData("Replace([x], \"a\", , , , , )")]
    [InlineData("ToLower([x], \"not-a-culture-xx-yy\")")]
    [InlineData("ToLower([many])")]
    [InlineData("CDate(\"not a date\")")]
    public void BadEvaluationsFailWithATypedError(string expression)
    {
        var source = ExpressionSource.FromDictionary(new Dictionary<string, object?> { ["x"] = "abc", ["many"] = Many("a", "b") });
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(expression).Evaluate(source));
        Assert.Equal(ExpressionErrorKind.Evaluation, ex.Kind);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void GraphUserComputesIsSoftDeletedAndObjectId()
    {
        var user = System.Text.Json.Nodes.JsonNode.Parse("""{"id":"u1","mailNickname":"ada","accountEnabled":false,"otherMails":["x@y"],"onPremisesExtensionAttributes":{"extensionAttribute1":"e1"}}""")!.AsObject();
        ExpressionSource source = ExpressionSource.FromGraphObject(user);
        Assert.Equal("True", source.Get("IsSoftDeleted").AsString);
        Assert.Equal("False", source.Get("accountEnabled").AsString);
        Assert.Equal("u1", source.Get("objectId").AsString);
        Assert.Equal(["x@y"], source.Get("otherMails").Values);
        Assert.Equal("e1", source.Get("extensionAttribute1").AsString);
        Assert.Equal("False", Expression.Parse("Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")").Evaluate(source).AsString);
        ExpressionSource assigned = ExpressionSource.FromGraphObject(user, isSoftDeleted: false);
        Assert.Equal("True", Expression.Parse("Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")").Evaluate(assigned).AsString);
    }

    private static string[] Many(params string[] values) => values;

    private static ExpressionSource Source(string[] attributes)
    {
        var values = new Dictionary<string, object?>();
        foreach (string a in attributes)
        {
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                values[a.TrimEnd('~')] = null;
            }
            else
            {
                values[a[..eq]] = a[(eq + 1)..];
            }
        }

        return ExpressionSource.FromDictionary(values);
    }
}
