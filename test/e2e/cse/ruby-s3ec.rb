# frozen_string_literal: true

# Drives the official Ruby S3 Encryption Clients (aws-sdk-s3: Aws::S3::EncryptionV2::Client, and the
# V1 Aws::S3::Encryption::Client for legacy objects) against the Strongbox endpoint that
# ruby.test.ts starts. Usage: ruby ruby-s3ec.rb write|read. Configuration comes from the environment
# (S3_ENDPOINT, AES_KEY_HEX, RSA_PEM, and optionally KMS_ENDPOINT, KMS_REGION, KMS_KEY_ID); the
# result is one JSON object on stdout: per object key, base64 plaintext or an error.

require 'aws-sdk-s3'
require 'base64'
require 'json'
require 'openssl'

BUCKET = 'interop'
CONTEXT = { 'tenant' => 'acme', 'purpose' => 'interop' }.freeze

def plaintext_for(key)
  "Strongbox interop #{key}: " + ('0123456789abcdef' * 70)
end

credentials = Aws::Credentials.new('test', 'test')
s3 = Aws::S3::Client.new(endpoint: ENV.fetch('S3_ENDPOINT'), force_path_style: true, region: 'us-east-1', credentials: credentials, retry_limit: 0)
aes_key = [ENV.fetch('AES_KEY_HEX')].pack('H*')
rsa_key = OpenSSL::PKey::RSA.new(ENV.fetch('RSA_PEM'))
common = { client: s3, content_encryption_schema: :aes_gcm_no_padding, security_profile: :v2 }

clients = {
  'aes-gcm' => Aws::S3::EncryptionV2::Client.new(**common, encryption_key: aes_key, key_wrap_schema: :aes_gcm),
  'aes-gcm-instruction' => Aws::S3::EncryptionV2::Client.new(**common, encryption_key: aes_key, key_wrap_schema: :aes_gcm, envelope_location: :instruction_file),
  'rsa-oaep' => Aws::S3::EncryptionV2::Client.new(**common, encryption_key: rsa_key, key_wrap_schema: :rsa_oaep_sha1),
}
if ENV['KMS_ENDPOINT']
  kms = Aws::KMS::Client.new(endpoint: ENV.fetch('KMS_ENDPOINT'), region: ENV.fetch('KMS_REGION'), credentials: credentials, retry_limit: 0)
  clients['kms'] = Aws::S3::EncryptionV2::Client.new(**common, kms_key_id: ENV.fetch('KMS_KEY_ID'), kms_client: kms, key_wrap_schema: :kms_context)
end
kms_options = ->(name) { name == 'kms' ? { kms_encryption_context: CONTEXT } : {} }

results = {}
case ARGV[0]
when 'write'
  clients.each do |name, client|
    key = "ruby/#{name}"
    client.put_object(bucket: BUCKET, key: key, body: plaintext_for(key), **kms_options.call(name))
    results[key] = 'written'
  end
  # V1 (legacy) objects, from the V1 client: AES/ECB- and RSA-PKCS#1-wrapped data keys, AES-CBC content.
  $stderr.reopen(File::NULL) # the V1 client warns that it is deprecated
  { 'v1-aes' => aes_key, 'v1-rsa' => rsa_key }.each do |name, master|
    key = "ruby/#{name}"
    Aws::S3::Encryption::Client.new(client: s3, encryption_key: master).put_object(bucket: BUCKET, key: key, body: plaintext_for(key))
    results[key] = 'written'
  end
when 'read'
  if ENV['KMS_ENDPOINT']
    # Debian pairs aws-sdk-s3 1.117.2 with aws-sdk-kms 1.24.0, whose Decrypt predates the KeyId
    # parameter the V2 client sends for a configured key ("unexpected value at params[:key_id]"), so
    # reads use the client's decrypt-with-any-CMK mode, which sends no KeyId (the stored context still must match).
    clients['kms'] = Aws::S3::EncryptionV2::Client.new(**common, kms_key_id: :kms_allow_decrypt_with_any_cmk, kms_client: kms, key_wrap_schema: :kms_context)
  end
  clients.each do |name, client|
    key = "ts/#{name}"
    begin
      extra = name == 'kms' ? { kms_encryption_context: CONTEXT, kms_allow_decrypt_with_any_cmk: true } : {}
      body = client.get_object(bucket: BUCKET, key: key, **extra).body.read
      results[key] = { 'plaintext' => Base64.strict_encode64(body) }
    rescue StandardError => e
      results[key] = { 'error' => "#{e.class}: #{e.message}" }
    end
  end
else
  abort 'usage: ruby ruby-s3ec.rb write|read'
end
puts JSON.generate(results)
