# frozen_string_literal: true

# Drives the official Ruby S3 Encryption Client V2 (aws-sdk-s3: Aws::S3::EncryptionV2::Client) with
# KMS key wrapping (kms_context) against the Strongbox endpoint that ruby-kms-interop.test.ts starts,
# under both security profiles (:v2, :v2_and_legacy) and both envelope locations (object metadata,
# instruction file). Usage: ruby ruby-s3ec-kms.rb write|read. Configuration from the environment
# (ENDPOINT, REGION, KMS_KEY_ID, BUCKET); the result is one JSON object on stdout: per object key,
# the SHA-256 of the plaintext read and its size, or an error.

require 'aws-sdk-s3'
require 'digest'
require 'json'

CONTEXT = { 'tenant' => 'acme' }.freeze
# Non-ASCII: Ruby sends it as raw UTF-8 in x-amz-matdesc, which S3 returns RFC 2047-encoded.
UNICODE_CONTEXT = { 'tenant' => "\u00e4cme \u20ac" }.freeze
PROFILES = %i[v2 v2_and_legacy].freeze
LOCATIONS = %i[metadata instruction_file].freeze
# Deterministic bodies the test rebuilds: empty, one block and a bit, and over 4 MiB (more than one
# of the TypeScript client's GCM chunks).
BODIES = { 'empty' => 0, 'small' => 21, 'large' => (4 * 1024 * 1024) + 7 }.freeze

def body_of(size)
  ('0123456789abcdef' * ((size / 16) + 1))[0, size]
end

credentials = Aws::Credentials.new('test', 'test')
endpoint = ENV.fetch('ENDPOINT')
bucket = ENV.fetch('BUCKET')
s3 = Aws::S3::Client.new(endpoint: endpoint, force_path_style: true, region: ENV.fetch('REGION'), credentials: credentials, retry_limit: 0)
kms = Aws::KMS::Client.new(endpoint: endpoint, region: ENV.fetch('REGION'), credentials: credentials, retry_limit: 0)
$stderr.reopen(File::NULL) # :v2_and_legacy warns that legacy modes are enabled

# Debian's aws-sdk-kms 1.24 predates Decrypt's KeyId, which a configured key sends: reads use
# kms_allow_decrypt_with_any_cmk (the stored context must still match).
client = lambda do |profile, location, kms_key_id|
  Aws::S3::EncryptionV2::Client.new(client: s3, kms_key_id: kms_key_id, kms_client: kms, key_wrap_schema: :kms_context,
                                    content_encryption_schema: :aes_gcm_no_padding, security_profile: profile, envelope_location: location)
end
context_for = ->(key) { key.include?('unicode') ? UNICODE_CONTEXT : CONTEXT }
read = lambda do |profile, location, key|
  body = client.call(profile, location, :kms_allow_decrypt_with_any_cmk)
               .get_object(bucket: bucket, key: key, kms_encryption_context: context_for.call(key), kms_allow_decrypt_with_any_cmk: true).body.read
  { 'sha256' => Digest::SHA256.hexdigest(body), 'size' => body.bytesize }
rescue StandardError => e
  { 'error' => "#{e.class}: #{e.message}" }
end

results = {}
case ARGV[0]
when 'write'
  PROFILES.each do |profile|
    LOCATIONS.each do |location|
      writer = client.call(profile, location, ENV.fetch('KMS_KEY_ID'))
      BODIES.each do |name, size|
        key = "ruby/#{profile}/#{location}/#{name}"
        writer.put_object(bucket: bucket, key: key, body: body_of(size), kms_encryption_context: CONTEXT)
        # Ruby's own read back: its GCM reads fetch the tag with a suffix-range GET first.
        results[key] = read.call(profile, location, key)
      end
    end
  end
  # Not read back here: this gem cannot parse the RFC 2047-encoded envelope S3 returns for it.
  client.call(:v2, :metadata, ENV.fetch('KMS_KEY_ID')).put_object(bucket: bucket, key: 'ruby/unicode', body: body_of(21), kms_encryption_context: UNICODE_CONTEXT)
  results['ruby/unicode'] = 'written'
when 'read'
  keys = JSON.parse(ENV.fetch('KEYS'))
  PROFILES.each do |profile|
    # Configured for metadata envelopes, the client falls back to the instruction file.
    keys.each { |key| results["#{profile}:#{key}"] = read.call(profile, :metadata, key) }
  end
else
  abort 'usage: ruby ruby-s3ec-kms.rb write|read'
end
puts JSON.generate(results)
