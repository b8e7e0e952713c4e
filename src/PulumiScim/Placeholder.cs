namespace PulumiScim; internal static class Placeholder { }
