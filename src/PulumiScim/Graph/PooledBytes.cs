// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Buffers;

namespace PulumiScim.Graph;

/// <summary>
/// A body read into an array rented from <see cref="ArrayPool{T}.Shared"/>: a large page costs no new array per read
/// (a page-sized array lands on the large object heap and lives until a full collection). Dispose returns the array;
/// the bytes must not be used after that.
/// </summary>
internal sealed class PooledBytes : IDisposable
{
    private const int FirstRent = 64 * 1024;
    private const int MaxFirstRent = 16 * 1024 * 1024;
    private byte[]? _array;

    private PooledBytes(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    /// <summary>How many bytes were read.</summary>
    public int Length { get; }

    /// <summary>The bytes read.</summary>
    public ReadOnlyMemory<byte> Memory => new(_array ?? throw new ObjectDisposedException(nameof(PooledBytes)), 0, Length);

    /// <summary>
    /// Reads the stream to its end; <paramref name="lengthHint"/> (Content-Length, when sent) sizes the first rent, up to
    /// 16 MB (a larger body grows the array as it arrives, so a wrong header cannot make it rent more than is sent).
    /// </summary>
    public static async Task<PooledBytes> ReadAsync(Stream stream, long? lengthHint, CancellationToken cancellationToken)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(lengthHint is > 0 and < MaxFirstRent ? (int)lengthHint.Value + 1 : lengthHint >= MaxFirstRent ? MaxFirstRent : FirstRent);
        int length = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(array.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length == array.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(checked(array.Length * 2));
                    array.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(array);
                    array = larger;
                }
            }

            return new PooledBytes(array, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(array);
            throw;
        }
    }

    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
