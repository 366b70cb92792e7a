Gem::Specification.new do |s|
  s.name = "a".freeze
  s.version = "1.0"
end
